package pcmshare.core.api.clock;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that only moves when told to. {@link #advance(long)} moves time
 * forward and runs every timer that falls due, in deadline order, on the
 * advancing thread, with the clock reading exactly each timer's deadline while
 * it runs. A driver that re-arms a period timer from its task is therefore
 * paced period by period, deterministically, however far the clock jumps.
 * Timers armed for the same deadline run in the order they were armed.
 *
 * <p>Timers sit in a binary heap whose entries know their slot, so arming,
 * re-arming, firing and cancelling a timer made by {@link #newTimer} allocate
 * nothing once the heap has grown to the number of timers armed at once.
 *
 * <p>Thread-safe: any thread may read the time or schedule; advancing from two
 * threads at once is allowed but then the interleaving of their timers is not
 * defined.
 */
public final class ManualClock implements Clock {
    private final ReentrantLock lock = new ReentrantLock();
    private Entry[] heap = new Entry[16];
    private int size;
    private volatile long now;
    private long sequence;

    /** A clock reading 0. */
    public ManualClock() {
        this(0);
    }

    /** A clock reading {@code startNanos}. */
    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable task) {
        Entry e = new Entry(task);
        e.schedule(deadlineNanos);
        return e;
    }

    @Override
    public Timer newTimer(Runnable task) {
        return new Entry(task);
    }

    /**
     * Moves time forward by {@code nanos} (not negative), running the timers that
     * fall due, including timers scheduled by those timers within the interval.
     */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + nanos);
        }
        advanceTo(Math.addExact(now, nanos));
    }

    /** Moves time forward to {@code targetNanos} (not before now), running due timers. */
    public void advanceTo(long targetNanos) {
        for (;;) {
            Entry due;
            lock.lock();
            try {
                if (targetNanos < now) {
                    throw new IllegalArgumentException("a monotonic clock cannot go back: " + targetNanos + " < " + now);
                }
                due = size > 0 ? heap[0] : null;
                if (due == null || due.deadline > targetNanos) {
                    now = targetNanos;
                    return;
                }
                remove(0);
                if (due.deadline > now) {
                    now = due.deadline;
                }
            } finally {
                lock.unlock();
            }
            due.task.run();
        }
    }

    /** Runs the timers already due without moving time. */
    public void runDue() {
        advance(0);
    }

    /** Number of timers armed and neither run nor cancelled. */
    public int pendingTimers() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when none. */
    public long nextDeadline() {
        lock.lock();
        try {
            return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + " ns]";
    }

    // ---------------------------------------------------------------- heap by deadline, then arming order

    private static boolean before(Entry a, Entry b) {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
    }

    private void insert(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.slot = size;
        size++;
        siftUp(e.slot);
    }

    private void remove(int slot) {
        Entry gone = heap[slot];
        size--;
        if (slot != size) {
            Entry last = heap[size];
            heap[slot] = last;
            last.slot = slot;
            heap[size] = null;
            siftUp(slot);
            siftDown(last.slot);
        } else {
            heap[size] = null;
        }
        gone.slot = -1;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!before(e, p)) {
                break;
            }
            heap[i] = p;
            p.slot = i;
            i = parent;
        }
        heap[i] = e;
        e.slot = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        for (;;) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            Entry c = heap[child];
            if (!before(c, e)) {
                break;
            }
            heap[i] = c;
            c.slot = i;
            i = child;
        }
        heap[i] = e;
        e.slot = i;
    }

    /** A timer; its deadline, sequence and slot are guarded by the clock's lock. */
    private final class Entry implements Timer {
        final Runnable task;
        long deadline;
        long seq;
        /** Index in the heap, -1 when not armed. */
        int slot = -1;

        Entry(Runnable task) {
            this.task = task;
        }

        @Override
        public void schedule(long deadlineNanos) {
            lock.lock();
            try {
                deadline = deadlineNanos;
                seq = sequence++;
                if (slot < 0) {
                    insert(this);
                } else {
                    siftUp(slot);
                    siftDown(slot);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                if (slot < 0) {
                    return false;
                }
                remove(slot);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "Timer[" + task + " on " + ManualClock.this + "]";
        }
    }
}
