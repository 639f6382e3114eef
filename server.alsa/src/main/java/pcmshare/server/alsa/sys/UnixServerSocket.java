package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A listening Unix stream socket bound to a path, as a careful server binds one: a
 * stale socket file left by a dead server is replaced, a live server's is refused
 * (EADDRINUSE), anything else at the path is refused (EEXIST) and kept.
 *
 * <p>The socket is non-blocking and close-on-exec; {@link #accept} polls it together
 * with an eventfd so that {@link #wakeup()} or {@link #close()} from another thread makes
 * a blocked accept return null. {@link #close()} removes the socket file only if it is
 * still the one this server bound: same device, inode and status-change time (inode
 * numbers alone are reused at once by some file systems).
 */
public final class UnixServerSocket extends FdOwner {
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000;
    private static final Charset FILE_NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final Path path;
    private final Object inode;
    private final EventFd wakeup;
    private final Object acceptLock = new Object();
    private final Poll poll = new Poll(2);
    private final MemorySegment capture = Libc.newCapture(Arena.ofAuto());

    private UnixServerSocket(int fd, Path path, Object inode, EventFd wakeup) {
        super(fd);
        this.path = path;
        this.inode = inode;
        this.wakeup = wakeup;
    }

    /**
     * Binds a new socket to {@code path} (whose directory must exist), sets the socket
     * file's mode to {@code fileMode} (chmod; clients need write permission to connect)
     * and listens with {@code backlog}.
     *
     * @throws SyscallException ENAMETOOLONG for a path of more than 107 bytes;
     *                          EADDRINUSE when a server answers at the path; EEXIST when
     *                          something other than a socket is there; or the errno of
     *                          socket, bind, chmod or listen
     */
    public static UnixServerSocket bind(Path path, int backlog, int fileMode) {
        MemorySegment cap = Libc.threadCapture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = sockaddr(a, path);
            removeStale(cap, path, addr);
            int fd = Libc.socket(cap, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
            if (fd < 0) {
                throw SyscallException.of(cap, "socket", "AF_UNIX", null);
            }
            boolean bound = false;
            try {
                if (Libc.bind(cap, fd, addr, (int) addr.byteSize()) < 0) {
                    throw SyscallException.of(cap, "bind", path,
                            Libc.errno(cap) == Libc.EADDRINUSE ? "a file appeared at the path meanwhile" : null);
                }
                bound = true;
                if (Libc.chmod(cap, addr.asSlice(Libc.SUN_PATH_OFFSET), fileMode) < 0) {
                    throw SyscallException.of(cap, "chmod", path, "mode 0" + Integer.toOctalString(fileMode));
                }
                if (Libc.listen(cap, fd, backlog) < 0) {
                    throw SyscallException.of(cap, "listen", path, "backlog " + backlog);
                }
                Object inode = inode(path);
                return new UnixServerSocket(fd, path, inode, EventFd.create());
            } catch (RuntimeException e) {
                Fds.closeQuietly(fd);
                if (bound) {
                    deleteQuietly(path);
                }
                throw e;
            }
        }
    }

    /** The sockaddr_un for {@code path}, exactly as long as bind(2) and connect(2) need. */
    static MemorySegment sockaddr(Arena arena, Path path) {
        byte[] b = path.toString().getBytes(FILE_NAMES);
        if (b.length > Libc.SUN_PATH_SIZE - 1) {
            throw new SyscallException(Libc.ENAMETOOLONG, "socket address", path, "a Unix socket path holds at most "
                    + (Libc.SUN_PATH_SIZE - 1) + " bytes (sockaddr_un.sun_path), this one has " + b.length);
        }
        if (b.length == 0 || path.toString().indexOf('\0') >= 0) {
            throw new SyscallException(Libc.EINVAL, "socket address", path, "empty or with a NUL byte");
        }
        MemorySegment addr = arena.allocate(Libc.SUN_PATH_OFFSET + b.length + 1, 2); // zeroed: NUL-terminated
        addr.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(b, 0, addr, JAVA_BYTE, Libc.SUN_PATH_OFFSET, b.length);
        return addr;
    }

    private static void removeStale(MemorySegment cap, Path path, MemorySegment addr) {
        int mode;
        try {
            mode = (Integer) Files.readAttributes(path, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode");
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + path, e);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new SyscallException(Libc.EEXIST, "bind", path,
                    "the path exists and is not a socket (mode 0" + Integer.toOctalString(mode) + "); left in place");
        }
        int probe = Libc.socket(cap, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
        if (probe < 0) {
            throw SyscallException.of(cap, "socket", "AF_UNIX", null);
        }
        try {
            int r = Libc.connect(cap, probe, addr, (int) addr.byteSize());
            int e = r == 0 ? 0 : Libc.errno(cap);
            if (e == 0 || e == Libc.EAGAIN) { // EAGAIN: a server with a full backlog
                throw new SyscallException(Libc.EADDRINUSE, "bind", path,
                        "another server is listening on " + path);
            }
            if (e != Libc.ECONNREFUSED) {
                throw SyscallException.of(cap, "connect", path, "probing the existing socket file");
            }
        } finally {
            Fds.closeQuietly(probe);
        }
        try {
            Files.deleteIfExists(path); // stale: nobody listens
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale socket " + path, e);
        }
    }

    private static Object inode(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,ctime", LinkOption.NOFOLLOW_LINKS);
            return a.get("dev") + ":" + a.get("ino") + ":" + a.get("ctime");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat the new socket " + path, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort on a failure path that is already being reported
        }
    }

    /** The path this server was bound to. */
    public Path path() {
        return path;
    }

    /**
     * The next connection (blocking, close-on-exec), or null when {@code timeoutMillis}
     * passed (negative: wait forever), {@link #wakeup()} was called or the server is
     * closed. One thread accepts at a time.
     *
     * @throws SyscallException for failures other than EAGAIN, EINTR and ECONNABORTED,
     *                          e.g. EMFILE
     */
    public UnixConnection accept(long timeoutMillis) {
        synchronized (acceptLock) {
            if (!enter()) {
                return null;
            }
            try {
                int timeout = (int) Math.max(-1, Math.min(timeoutMillis, Integer.MAX_VALUE));
                long deadline = System.nanoTime() + Math.max(0, timeout) * 1_000_000L;
                while (true) {
                    int c = Libc.accept4(capture, fd, Libc.SOCK_CLOEXEC);
                    if (c >= 0) {
                        return new UnixConnection(c);
                    }
                    int e = Libc.errno(capture);
                    if (e != Libc.EAGAIN && e != Libc.EINTR && e != Libc.ECONNABORTED) {
                        throw SyscallException.of(capture, "accept4", path, null);
                    }
                    poll.set(0, fd, Poll.POLLIN).set(1, wakeup.fd(), Poll.POLLIN);
                    if (poll.poll(timeout < 0 ? -1 : Poll.remainingMillis(deadline)) == 0) {
                        return null;
                    }
                    if (poll.revents(1) != 0) {
                        wakeup.take();
                        return null;
                    }
                }
            } finally {
                exit();
            }
        }
    }

    /** Makes the current (or else the next) {@link #accept} return null. */
    public void wakeup() {
        if (enter()) {
            try {
                wakeup.add(1);
            } finally {
                exit();
            }
        }
    }

    @Override
    void wake() {
        deleteIfOurs();
        wakeup.add(1);
    }

    @Override
    void released() {
        wakeup.close();
    }

    private void deleteIfOurs() {
        try {
            if (inode.equals(inode(path))) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException | IOException e) {
            // gone or replaced by someone else: not ours to remove
        }
    }

    @Override
    public String toString() {
        return "UnixServerSocket[" + path + ", fd " + fd + (isClosed() ? ", closed]" : "]");
    }
}
