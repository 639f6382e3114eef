package pcmshare.core.api.impl.fence;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Timeline;

/**
 * sw_sync's timeline. Pending fences sit in a list sorted by seqno, so advancing
 * detaches a prefix of it without allocating, and fences normally created in
 * increasing order are inserted at the tail in constant time.
 */
final class CoreTimeline implements Timeline {
    private final Object lock = new Object();
    private final String name;
    private final long context;

    private volatile long value;
    private boolean closed;
    private TimelineFence head;
    private TimelineFence tail;

    CoreTimeline(String name) {
        this.name = name;
        this.context = FenceContexts.allocate();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long context() {
        return context;
    }

    @Override
    public long value() {
        return value;
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public Fence createFence(long seqno) {
        if (seqno < 0) {
            throw new ErrnoException(Errno.EINVAL, "create_fence", state(), seqno, "seqno must not be negative");
        }
        synchronized (lock) {
            if (closed) {
                throw new ErrnoException(Errno.EBADF, "create_fence", "CLOSED", seqno,
                        "timeline " + name + " is closed");
            }
            if (seqno <= value) {
                TimelineFence reached = new TimelineFence(lock, context, seqno, name);
                reached.markSignalledLocked(null);
                return reached;
            }
            TimelineFence before = tail;
            while (before != null && before.seqno() > seqno) {
                before = before.prev;
            }
            if (before != null && before.seqno() == seqno) {
                return before;
            }
            TimelineFence fence = new TimelineFence(lock, context, seqno, name);
            fence.prev = before;
            fence.next = before == null ? head : before.next;
            if (fence.next == null) {
                tail = fence;
            } else {
                fence.next.prev = fence;
            }
            if (before == null) {
                head = fence;
            } else {
                before.next = fence;
            }
            return fence;
        }
    }

    @Override
    public void advance(long increment) {
        if (increment < 0) {
            throw new ErrnoException(Errno.EINVAL, "advance", state(), increment,
                    "a timeline only moves forward");
        }
        TimelineFence reached;
        synchronized (lock) {
            if (closed) {
                throw new ErrnoException(Errno.EBADF, "advance", "CLOSED", increment,
                        "timeline " + name + " is closed");
            }
            if (value > Long.MAX_VALUE - increment) {
                throw new ErrnoException(Errno.EOVERFLOW, "advance", "value " + value, increment,
                        "the timeline would pass Long.MAX_VALUE");
            }
            value += increment;
            reached = detachLocked(value, null);
        }
        runDetached(reached);
    }

    @Override
    public void close() {
        TimelineFence pending;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            pending = detachLocked(Long.MAX_VALUE, Errno.ENOENT);
        }
        runDetached(pending);
    }

    /** Marks every fence up to {@code limit} signalled and unlinks them, returning the chain. */
    private TimelineFence detachLocked(long limit, Errno error) {
        TimelineFence first = head;
        TimelineFence last = null;
        TimelineFence f = head;
        while (f != null && f.seqno() <= limit) {
            f.markSignalledLocked(error);
            last = f;
            f = f.next;
        }
        if (last == null) {
            return null;
        }
        head = f;
        if (f == null) {
            tail = null;
        } else {
            f.prev = null;
        }
        last.next = null;
        return first;
    }

    private static void runDetached(TimelineFence chain) {
        Throwable failure = null;
        for (TimelineFence f = chain; f != null;) {
            TimelineFence next = f.next;
            f.next = null;
            f.prev = null;
            failure = f.runSignalled(failure);
            f = next;
        }
        CoreFence.rethrow(failure);
    }

    private String state() {
        return isClosed() ? "CLOSED" : "value " + value;
    }

    @Override
    public String toString() {
        return "timeline " + name + "@" + context + " at " + value;
    }
}
