package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * poll(2) on a few descriptors, with a preallocated array of {@code struct pollfd}
 * (x86_64: int fd at 0, short events at 4, short revents at 6; 8 bytes each), so that a
 * wait loop polls without allocating. An instance is for one thread at a time.
 *
 * <p>Java's {@link Thread#interrupt()} does not wake poll(2): to wake a waiting thread,
 * include a descriptor another thread can make ready (an {@link EventFd}) or shut down
 * the polled socket.
 */
public final class Poll {
    public static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
            POLLNVAL = 0x20, POLLRDHUP = 0x2000;
    private static final long POLLFD_SIZE = 8;

    private final MemorySegment pollfds;
    private final MemorySegment capture;
    private final int capacity;
    private int size;

    /** Room for {@code capacity} descriptors, none set yet. */
    public Poll(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        Arena arena = Arena.ofAuto();
        this.capacity = capacity;
        this.pollfds = arena.allocate(POLLFD_SIZE * capacity, 8);
        this.capture = Libc.newCapture(arena);
    }

    /**
     * Watches {@code fd} for {@code events} at {@code index}; the polled set is entries
     * 0 .. the highest index set. A negative fd is ignored by the kernel (revents 0).
     */
    public Poll set(int index, int fd, int events) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("index " + index + " of " + capacity);
        }
        long at = index * POLLFD_SIZE;
        pollfds.set(JAVA_INT, at, fd);
        pollfds.set(JAVA_SHORT, at + 4, (short) events);
        pollfds.set(JAVA_SHORT, at + 6, (short) 0);
        size = Math.max(size, index + 1);
        return this;
    }

    /** The number of entries polled. */
    public int size() {
        return size;
    }

    /** Polls only the first {@code n} entries from now on. */
    public void truncate(int n) {
        size = Math.min(Math.max(n, 0), size);
    }

    /**
     * poll(2): waits up to {@code timeoutMillis} (negative: forever; 0: just looks) and
     * returns the number of entries with non-zero revents, 0 on timeout. EINTR is
     * retried with the time that is left.
     */
    public int poll(int timeoutMillis) {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        int wait = timeoutMillis;
        while (true) {
            int r = Libc.poll(capture, pollfds, size, wait);
            if (r >= 0) {
                return r;
            }
            if (Libc.errno(capture) != Libc.EINTR) {
                throw SyscallException.of(capture, "poll", size + " fds", null);
            }
            if (timeoutMillis > 0) {
                wait = remainingMillis(deadline);
            }
        }
    }

    /** The revents of entry {@code index} after the last {@link #poll(int)}. */
    public int revents(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return pollfds.get(JAVA_SHORT, index * POLLFD_SIZE + 6) & 0xffff;
    }

    /** The descriptor at {@code index}. */
    public int fd(int index) {
        return pollfds.get(JAVA_INT, index * POLLFD_SIZE);
    }

    /**
     * One-shot poll(2) of {@code fds} for {@code events}, filling {@code revents};
     * returns the count of ready entries, 0 on timeout. Allocates: for tests and setup.
     */
    public static int poll(int[] fds, short[] events, short[] revents, int timeoutMillis) {
        if (fds.length != events.length || fds.length != revents.length || fds.length == 0) {
            throw new IllegalArgumentException("fds, events and revents must have the same non-zero length");
        }
        Poll p = new Poll(fds.length);
        for (int i = 0; i < fds.length; i++) {
            p.set(i, fds[i], events[i]);
        }
        int r = p.poll(timeoutMillis);
        for (int i = 0; i < fds.length; i++) {
            revents[i] = (short) p.revents(i);
        }
        return r;
    }

    /** Milliseconds until {@code deadlineNanos} (System.nanoTime), rounded up, at least 0. */
    static int remainingMillis(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
    }

    /** A readable list of poll flags, e.g. "POLLIN|POLLHUP". */
    public static String describe(int revents) {
        StringBuilder b = new StringBuilder();
        String[] names = {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL"};
        for (int i = 0; i < names.length; i++) {
            if ((revents & (1 << i)) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        if ((revents & POLLRDHUP) != 0) {
            b.append(b.isEmpty() ? "" : "|").append("POLLRDHUP");
        }
        return b.isEmpty() ? "0" : b.toString();
    }
}
