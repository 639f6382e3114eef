package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The poll descriptor handed to an ALSA client, which polls it for POLLOUT (playback)
 * or POLLIN (capture) and never reads or writes it. The server sets it ready or not;
 * and when the server goes away, even killed with SIGKILL, the kernel makes it wake
 * the client, as a disconnected PCM's poll does: the client's next command then fails
 * instead of waiting forever on a descriptor nobody will touch again (an eventfd
 * cannot do that: a count nobody changes never wakes anyone).
 *
 * <ul>
 * <li>Playback: the write end of a pipe of one page. Ready: the pipe is empty
 * (POLLOUT). Not ready: one byte in it, which fills its one slot (no POLLOUT). With
 * the server's read end gone, pipe_poll reports POLLERR, which alsa-lib's
 * snd_pcm_wait turns into an error.</li>
 * <li>Capture: one end of a socketpair. Ready: one byte queued to it (POLLIN). Not
 * ready: the server reads the byte back through its own copy of that end. With the
 * server's end gone, the client's end reports POLLIN|POLLHUP.</li>
 * </ul>
 * Thread-safe; {@link #setReady} writes or reads only when the readiness changes.
 */
public final class PollDescriptor implements AutoCloseable {

    private static final int PAGE = 4096;

    private final boolean playback;
    /** The descriptor passed to the client (the server keeps this copy too). */
    private final int clientFd;
    /** The server's other end: the pipe's read end, or the socketpair's server end. */
    private final int serverFd;
    private final MemorySegment oneByte;
    private final MemorySegment capture;
    private boolean ready;
    private boolean closed;

    private PollDescriptor(boolean playback, int clientFd, int serverFd, Arena arena) {
        this.playback = playback;
        this.clientFd = clientFd;
        this.serverFd = serverFd;
        this.oneByte = arena.allocate(1);
        this.capture = Libc.newCapture(arena);
    }

    /** A descriptor for a playback client (POLLOUT), not ready. */
    public static PollDescriptor forPlayback() {
        MemorySegment cap = Libc.threadCapture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            if (Libc.pipe2(cap, fds, Libc.O_NONBLOCK | Libc.O_CLOEXEC) < 0) {
                throw SyscallException.of(cap, "pipe2", null, "O_NONBLOCK|O_CLOEXEC");
            }
            int r = fds.getAtIndex(JAVA_INT, 0);
            int w = fds.getAtIndex(JAVA_INT, 1);
            if (Libc.fcntl(cap, w, Libc.F_SETPIPE_SZ, PAGE) < 0) {
                SyscallException e = SyscallException.of(cap, "fcntl(F_SETPIPE_SZ)", w, PAGE + " bytes");
                Fds.closeQuietly(r);
                Fds.closeQuietly(w);
                throw e;
            }
            PollDescriptor p = new PollDescriptor(true, w, r, Arena.ofAuto());
            p.ready = true; // empty
            p.setReady(false);
            return p;
        }
    }

    /** A descriptor for a capture client (POLLIN), not ready. */
    public static PollDescriptor forCapture() {
        MemorySegment cap = Libc.threadCapture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            if (Libc.socketpair(cap, Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0,
                    fds) < 0) {
                throw SyscallException.of(cap, "socketpair", null, "AF_UNIX SOCK_STREAM");
            }
            return new PollDescriptor(false, fds.getAtIndex(JAVA_INT, 1), fds.getAtIndex(JAVA_INT, 0),
                    Arena.ofAuto());
        }
    }

    /** The descriptor to pass to the client (SCM_RIGHTS copies it); still owned by this object. */
    public int fd() {
        return clientFd;
    }

    /** POLLOUT (playback) or POLLIN (capture) from now on, or not. */
    public synchronized void setReady(boolean on) {
        if (closed || on == ready) {
            return;
        }
        // playback: a byte in the pipe means not ready; capture: a byte queued means ready
        boolean byteIn = playback != on;
        int fd = byteIn ? (playback ? clientFd : serverFd) : (playback ? serverFd : clientFd);
        long n = byteIn ? Libc.write(capture, fd, oneByte, 1) : Libc.read(capture, fd, oneByte, 1);
        if (n != 1) {
            throw SyscallException.of(capture, byteIn ? "write" : "read", fd, "the poll descriptor's byte");
        }
        ready = on;
    }

    /** Closes the server's copies; a client's copy then wakes as described above. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Fds.closeQuietly(serverFd);
        Fds.closeQuietly(clientFd);
    }

    @Override
    public String toString() {
        return "PollDescriptor[" + (playback ? "playback pipe " : "capture socketpair ") + clientFd + "/" + serverFd
                + (ready ? ", ready" : "") + (closed ? ", closed" : "") + "]";
    }
}
