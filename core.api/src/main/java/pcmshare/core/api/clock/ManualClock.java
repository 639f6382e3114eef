package pcmshare.core.api.clock;

import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that only moves when told to. {@link #advance(long)} moves time
 * forward and runs every timer that falls due, in deadline order, on the
 * advancing thread, with the clock reading exactly each timer's deadline while
 * it runs. A driver that re-arms a period timer from its task is therefore
 * paced period by period, deterministically, however far the clock jumps.
 *
 * <p>Thread-safe: any thread may read the time or schedule; advancing from two
 * threads at once is allowed but then the interleaving of their timers is not
 * defined.
 */
public final class ManualClock implements Clock {
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Entry> timers = new PriorityQueue<>();
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
        lock.lock();
        try {
            Entry e = new Entry(deadlineNanos, sequence++, task);
            timers.add(e);
            return e;
        } finally {
            lock.unlock();
        }
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
                due = timers.peek();
                if (due == null || due.deadline > targetNanos) {
                    now = targetNanos;
                    return;
                }
                timers.poll();
                if (due.deadline > now) {
                    now = due.deadline;
                }
                due.fired = true;
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

    /** Number of timers scheduled and neither run nor cancelled. */
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
            Entry e = timers.peek();
            return e == null ? Long.MAX_VALUE : e.deadline;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + " ns]";
    }

    private final class Entry implements Comparable<Entry>, Timer {
        final long deadline;
        final long seq;
        final Runnable task;
        boolean fired;

        Entry(long deadline, long seq, Runnable task) {
            this.deadline = deadline;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                return !fired && timers.remove(this);
            } finally {
                lock.unlock();
            }
        }
    }
}
