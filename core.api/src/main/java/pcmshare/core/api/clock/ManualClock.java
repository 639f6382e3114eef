package pcmshare.core.api.clock;

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
    private final TimerHeap timers = new TimerHeap();
    private volatile long now;

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
                due = (Entry) timers.peek();
                if (due == null || due.deadline > targetNanos) {
                    now = targetNanos;
                    return;
                }
                timers.poll();
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
            return timers.size();
        } finally {
            lock.unlock();
        }
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when none. */
    public long nextDeadline() {
        lock.lock();
        try {
            TimerHeap.Node first = timers.peek();
            return first == null ? Long.MAX_VALUE : first.deadline;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + " ns]";
    }

    /** A timer; its place in the heap is guarded by the clock's lock. */
    private final class Entry extends TimerHeap.Node implements Timer {
        final Runnable task;

        Entry(Runnable task) {
            this.task = task;
        }

        @Override
        public void schedule(long deadlineNanos) {
            lock.lock();
            try {
                timers.arm(this, deadlineNanos);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                return timers.disarm(this);
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
