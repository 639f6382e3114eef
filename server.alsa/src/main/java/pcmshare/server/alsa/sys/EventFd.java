package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An eventfd(2) counter, non-blocking and close-on-exec: the poll descriptor handed to
 * an ALSA client, which polls it for POLLOUT (playback) or POLLIN (capture) and never
 * reads it.
 *
 * <p>The kernel's rules: POLLIN while the count is &gt; 0; POLLOUT while the count is
 * &lt; 0xfffffffffffffffe (the largest count a write may leave). So "playback ready"
 * is count 0, "playback not ready" is count 0xfffffffffffffffe, "capture ready" is a
 * count &gt; 0 and "capture not ready" is 0. Note that a count of 1 (capture ready)
 * also reports POLLOUT and 0xfffffffffffffffe (playback not ready) also reports POLLIN:
 * each client polls for only its own event, so this does not matter to it.
 *
 * <p>{@link #setPollIn} and {@link #setPollOut} move the count straight to its new
 * value with one write where possible, so a client never sees a transient readiness;
 * they rely on this object being the only reader of the counter. Thread-safe.
 */
public final class EventFd implements AutoCloseable {
    /** The largest count eventfd holds: POLLOUT is clear at this count. */
    public static final long MAX_COUNT = 0xfffffffffffffffeL;

    private final int fd;
    private final MemorySegment buffer;
    private final MemorySegment capture;
    private long count; // what this object last left in the counter
    private boolean closed;

    private EventFd(int fd, Arena arena) {
        this.fd = fd;
        this.buffer = arena.allocate(JAVA_LONG);
        this.capture = Libc.newCapture(arena);
    }

    /** eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC). */
    public static EventFd create() {
        MemorySegment cap = Libc.threadCapture();
        int fd = Libc.eventfd(cap, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (fd < 0) {
            throw SyscallException.of(cap, "eventfd", null, "EFD_NONBLOCK|EFD_CLOEXEC");
        }
        return new EventFd(fd, Arena.ofAuto());
    }

    /** The descriptor; still owned by this object (send a copy, close this object). */
    public int fd() {
        return fd;
    }

    /**
     * Adds {@code v} (an unsigned 64-bit value, not 0xffffffffffffffff) to the count.
     *
     * @throws SyscallException EAGAIN when the count would pass {@link #MAX_COUNT};
     *                          EINVAL for 0xffffffffffffffff
     */
    public synchronized void add(long v) {
        checkOpen("add");
        buffer.set(JAVA_LONG, 0, v);
        long n = Libc.write(capture, fd, buffer, 8);
        if (n != 8) {
            throw SyscallException.of(capture, "eventfd write", Long.toUnsignedString(v),
                    Libc.errno(capture) == Libc.EAGAIN
                            ? "the count would pass 0xfffffffffffffffe (count before: "
                                    + Long.toUnsignedString(count) + ")"
                            : null);
        }
        count += v;
    }

    /** Reads and resets the count; returns it, or 0 when it was already 0 (EAGAIN). */
    public synchronized long take() {
        checkOpen("take");
        long n = Libc.read(capture, fd, buffer, 8);
        if (n == 8) {
            count = 0;
            return buffer.get(JAVA_LONG, 0);
        }
        if (n < 0 && Libc.errno(capture) == Libc.EAGAIN) {
            count = 0;
            return 0;
        }
        throw SyscallException.of(capture, "eventfd read", fd, null);
    }

    /** Makes the counter report POLLIN ({@code ready}: count 1) or not (count 0). */
    public synchronized void setPollIn(boolean ready) {
        if (ready) {
            if (count == 0) {
                add(1);
            } else if (count != 1) {
                take();
                add(1);
            }
        } else {
            take();
        }
    }

    /**
     * Makes the counter report POLLOUT ({@code ready}: count 0) or not (count
     * {@link #MAX_COUNT}).
     */
    public synchronized void setPollOut(boolean ready) {
        if (ready) {
            take();
        } else if (count != MAX_COUNT) {
            try {
                add(MAX_COUNT - count); // one write, no transient POLLOUT
            } catch (SyscallException e) {
                if (e.code() != Libc.EAGAIN) {
                    throw e;
                }
                take(); // someone else read or wrote the counter: start from 0
                add(MAX_COUNT);
            }
        }
    }

    private void checkOpen(String operation) {
        if (closed) {
            throw new SyscallException(Libc.EBADF, "eventfd " + operation, fd, "the eventfd is closed");
        }
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Fds.close(fd);
        }
    }

    @Override
    public String toString() {
        return "EventFd[fd " + fd + (closed ? ", closed]" : "]");
    }
}
