package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One connected Unix stream socket: accepted by {@link UnixServerSocket#accept} or made
 * by {@link #connect(Path)}.
 *
 * <p>Reads return a count or byte, {@link #EOF} (-1) when the peer closed or reset the
 * connection, or {@link #TIMEOUT} (-2) when nothing came in time; a timeout of 0 only
 * looks, a negative one waits forever. Writes send every byte with MSG_NOSIGNAL: a dead
 * peer gives a {@link SyscallException} EPIPE, never SIGPIPE.
 *
 * <p>Threads: a reader and a writer may run at the same time (each direction has its own
 * preallocated native buffers, errno capture included, so the steady-state calls
 * allocate nothing; calls in the same direction take turns); {@link #shutdown()} and {@link #close()} may come from any thread
 * and wake a blocked reader (it then sees EOF) or writer (EPIPE). The descriptor itself
 * is closed only once no call is using it, so a close never lets a concurrent call act
 * on a reused descriptor number. After close, reads return EOF and writes throw EBADF.
 * The native buffers are freed by the garbage collector with this object.
 */
public final class UnixConnection extends FdOwner {
    public static final int EOF = -1;
    public static final int TIMEOUT = -2;
    private static final long BOUNCE = 4096;

    /** SO_PEERCRED: the peer process at connect (or listen) time. */
    public record PeerCred(int pid, int uid, int gid) {
    }

    /**
     * What {@link #receiveByteWithFd} got: the byte (0..255), {@link #EOF} or {@link #TIMEOUT},
     * and the descriptor that came with it, or -1.
     */
    public record Received(int value, int fd) {
    }

    private final Arena arena = Arena.ofAuto();
    private final Side in = new Side(arena);
    private final Side out = new Side(arena);
    private final Object miscLock = new Object();
    private final MemorySegment miscCapture = Libc.newCapture(arena);
    private final MemorySegment miscPoll = arena.allocate(8, 8);
    private final MemorySegment cred = arena.allocate(12, 4);
    private final MemorySegment credLen = arena.allocate(JAVA_INT);

    /** Native buffers of one direction; its monitor serializes that direction's calls. */
    private static final class Side {
        final MemorySegment capture, oneByte, pollfd;
        final FdMessage message;
        MemorySegment bounce;

        Side(Arena arena) {
            capture = Libc.newCapture(arena);
            oneByte = arena.allocate(1);
            pollfd = arena.allocate(8, 8);
            message = new FdMessage(arena, oneByte);
        }

        MemorySegment bounce(Arena arena) {
            return bounce != null ? bounce : (bounce = arena.allocate(BOUNCE));
        }
    }

    UnixConnection(int fd) {
        super(fd);
    }

    /** Connects a new close-on-exec stream socket to the server listening at {@code path}. */
    public static UnixConnection connect(Path path) {
        MemorySegment cap = Libc.threadCapture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = UnixServerSocket.sockaddr(a, path);
            int fd = Libc.socket(cap, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw SyscallException.of(cap, "socket", "AF_UNIX", null);
            }
            if (Libc.connect(cap, fd, addr, (int) addr.byteSize()) < 0) {
                SyscallException e = SyscallException.of(cap, "connect", path, null);
                Fds.closeQuietly(fd);
                throw e;
            }
            return new UnixConnection(fd);
        }
    }

    /** getsockopt(SO_PEERCRED). */
    public PeerCred peerCred() {
        synchronized (miscLock) {
            enterOrThrow("getsockopt(SO_PEERCRED)");
            try {
                credLen.set(JAVA_INT, 0, 12);
                if (Libc.getsockopt(miscCapture, fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, cred, credLen) < 0) {
                    throw SyscallException.of(miscCapture, "getsockopt(SO_PEERCRED)", fd, null);
                }
                return new PeerCred(cred.get(JAVA_INT, 0), cred.get(JAVA_INT, 4), cred.get(JAVA_INT, 8));
            } finally {
                exit();
            }
        }
    }

    /** Whether the peer closed or shut down its side (POLLHUP, POLLRDHUP or POLLERR now). */
    public boolean peerHungUp() {
        synchronized (miscLock) {
            if (!enter()) {
                return true;
            }
            try {
                miscPoll.set(JAVA_INT, 0, fd);
                miscPoll.set(JAVA_SHORT, 4, (short) Poll.POLLRDHUP);
                miscPoll.set(JAVA_SHORT, 6, (short) 0);
                int r = Libc.poll(miscCapture, miscPoll, 1, 0);
                if (r < 0) {
                    throw SyscallException.of(miscCapture, "poll", fd, null);
                }
                int revents = miscPoll.get(JAVA_SHORT, 6);
                return (revents & (Poll.POLLHUP | Poll.POLLRDHUP | Poll.POLLERR)) != 0;
            } finally {
                exit();
            }
        }
    }

    /** One byte 0..255, {@link #EOF} or {@link #TIMEOUT}. */
    public int readByte(long timeoutMillis) {
        synchronized (in) {
            long n = receive(in.oneByte, 1, false, timeoutMillis);
            return n == 1 ? in.oneByte.get(JAVA_BYTE, 0) & 0xff : (int) n;
        }
    }

    /** Up to {@code dst.byteSize()} bytes (at least 1), {@link #EOF} or {@link #TIMEOUT}. */
    public int read(MemorySegment dst, long timeoutMillis) {
        long len = Math.min(dst.byteSize(), Integer.MAX_VALUE);
        synchronized (in) {
            if (dst.isNative()) {
                return (int) receive(dst, len, false, timeoutMillis);
            }
            MemorySegment b = in.bounce(arena);
            long n = receive(b, Math.min(len, BOUNCE), false, timeoutMillis);
            if (n > 0) {
                MemorySegment.copy(b, 0, dst, 0, n);
            }
            return (int) n;
        }
    }

    /**
     * Reads until {@code dst} is full or the peer closes, waiting at most until
     * {@code deadlineNanos} ({@link System#nanoTime()}) across partial reads. Returns the
     * number of bytes read: {@code dst.byteSize()}, or fewer when the peer closed first.
     *
     * @throws SyscallException ETIMEDOUT at the deadline, naming how much had arrived
     */
    public long readFully(MemorySegment dst, long deadlineNanos) {
        long off = 0, size = dst.byteSize();
        while (off < size) {
            int n = read(dst.asSlice(off), Poll.remainingMillis(deadlineNanos));
            if (n == EOF) {
                return off;
            }
            if (n == TIMEOUT) {
                throw new SyscallException(Libc.ETIMEDOUT, "read", fd,
                        off + " of " + size + " bytes arrived before the deadline");
            }
            off += n;
        }
        return off;
    }

    /** The byte and the descriptor sent with it (close-on-exec), for clients and tests. */
    public Received receiveByteWithFd(long timeoutMillis) {
        synchronized (in) {
            long n = receive(in.oneByte, 1, true, timeoutMillis);
            int got = n == 1 ? in.message.receivedFd() : -1;
            if (n == 1 && in.message.truncated()) {
                Fds.closeQuietly(got);
                throw new SyscallException(Libc.EIO, "recvmsg", fd,
                        "control data truncated (MSG_CTRUNC): the peer sent more than one descriptor");
            }
            return new Received(n == 1 ? in.oneByte.get(JAVA_BYTE, 0) & 0xff : (int) n, got);
        }
    }

    /** recv (or recvmsg into in.message) without blocking, polling between tries; holds in's monitor. */
    private long receive(MemorySegment dst, long len, boolean withFd, long timeoutMillis) {
        if (!enter()) {
            return EOF;
        }
        try {
            int timeout = (int) Math.max(-1, Math.min(timeoutMillis, Integer.MAX_VALUE));
            long deadline = System.nanoTime() + Math.max(0, timeout) * 1_000_000L;
            while (true) {
                long n = withFd
                        ? Libc.recvmsg(in.capture, fd, in.message.forReceive(), Libc.MSG_DONTWAIT | Libc.MSG_CMSG_CLOEXEC)
                        : Libc.recv(in.capture, fd, dst, len, Libc.MSG_DONTWAIT);
                if (n >= 0) {
                    return n == 0 ? EOF : n;
                }
                int e = Libc.errno(in.capture);
                if (e == Libc.ECONNRESET) {
                    return EOF;
                }
                if (e != Libc.EAGAIN && e != Libc.EINTR) {
                    throw SyscallException.of(in.capture, withFd ? "recvmsg" : "recv", fd, null);
                }
                in.pollfd.set(JAVA_INT, 0, fd);
                in.pollfd.set(JAVA_SHORT, 4, (short) Poll.POLLIN);
                in.pollfd.set(JAVA_SHORT, 6, (short) 0);
                int r = Libc.poll(in.capture, in.pollfd, 1, timeout < 0 ? -1 : Poll.remainingMillis(deadline));
                if (r < 0 && Libc.errno(in.capture) != Libc.EINTR) {
                    throw SyscallException.of(in.capture, "poll", fd, null);
                }
                if (r == 0) {
                    return TIMEOUT;
                }
            }
        } finally {
            exit();
        }
    }

    /** Sends one byte. */
    public void writeByte(int b) {
        synchronized (out) {
            out.oneByte.set(JAVA_BYTE, 0, (byte) b);
            send(out.oneByte, 1);
        }
    }

    /** Sends every byte of {@code src}. */
    public void write(MemorySegment src) {
        synchronized (out) {
            if (src.isNative()) {
                send(src, src.byteSize());
                return;
            }
            MemorySegment b = out.bounce(arena);
            for (long off = 0, size = src.byteSize(); off < size; off += BOUNCE) {
                long len = Math.min(BOUNCE, size - off);
                MemorySegment.copy(src, off, b, 0, len);
                send(b, len);
            }
        }
    }

    private void send(MemorySegment src, long len) {
        enterOrThrow("send");
        try {
            long off = 0;
            while (off < len) {
                long n = Libc.send(out.capture, fd, off == 0 ? src : src.asSlice(off), len - off, Libc.MSG_NOSIGNAL);
                if (n > 0) {
                    off += n;
                } else if (n < 0 && Libc.errno(out.capture) != Libc.EINTR) {
                    throw SyscallException.of(out.capture, "send", fd, off + " of " + len + " bytes sent");
                }
            }
        } finally {
            exit();
        }
    }

    /** Sends one byte with a copy of descriptor {@code passFd} (sendmsg, one SCM_RIGHTS message). */
    public void sendByteWithFd(int b, int passFd) {
        synchronized (out) {
            enterOrThrow("sendmsg");
            try {
                out.oneByte.set(JAVA_BYTE, 0, (byte) b);
                MemorySegment msg = out.message.forSend(passFd);
                long n;
                do {
                    n = Libc.sendmsg(out.capture, fd, msg, Libc.MSG_NOSIGNAL);
                } while (n < 0 && Libc.errno(out.capture) == Libc.EINTR);
                if (n != 1) {
                    throw SyscallException.of(out.capture, "sendmsg(SCM_RIGHTS)", passFd, null);
                }
            } finally {
                exit();
            }
        }
    }

    /**
     * shutdown(SHUT_RDWR): the peer sees EOF, a blocked reader here returns EOF and a
     * blocked writer fails with EPIPE; the descriptor stays open until {@link #close()}.
     */
    public void shutdown() {
        if (enter()) {
            try {
                wake();
            } finally {
                exit();
            }
        }
    }

    @Override
    void wake() {
        synchronized (miscLock) {
            Libc.shutdown(miscCapture, fd, Libc.SHUT_RDWR); // ENOTCONN when the peer is gone: fine
        }
    }

    @Override
    public String toString() {
        return "UnixConnection[fd " + fd + (isClosed() ? ", closed]" : "]");
    }
}
