package pcmshare.core.api.clock;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()}, with timers run by one shared daemon thread,
 * "pcmshare-clock", that is created on first use.
 *
 * <p>The thread keeps the armed timers in a binary heap whose entries know
 * their slot and parks until the earliest deadline; arming, re-arming, firing
 * and cancelling a timer made by {@link #newTimer} allocate nothing once the
 * heap has grown to the number of timers armed at once. Timers run one at a
 * time, in deadline order (timers armed for the same deadline in the order
 * they were armed); a task that throws is reported to the thread's
 * uncaught-exception handler and the thread goes on.
 */
public final class MonotonicClock implements Clock {
    static final MonotonicClock INSTANCE = new MonotonicClock();

    private MonotonicClock() {
    }

    /** The single instance (same as {@link Clock#monotonic()}). */
    public static MonotonicClock instance() {
        return INSTANCE;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
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

    @Override
    public String toString() {
        return "MonotonicClock";
    }

    /** A timer; its place in the heap is guarded by the queue's monitor. */
    private static final class Entry extends TimerHeap.Node implements Timer {
        final Runnable task;

        Entry(Runnable task) {
            this.task = task;
        }

        @Override
        public void schedule(long deadlineNanos) {
            TimerThread.QUEUE.arm(this, deadlineNanos);
        }

        @Override
        public boolean cancel() {
            return TimerThread.QUEUE.disarm(this);
        }

        @Override
        public String toString() {
            return "Timer[" + task + " on MonotonicClock]";
        }
    }

    /** Holder idiom: the thread exists only once somebody makes a timer. */
    private static final class TimerThread {
        static final Queue QUEUE = new Queue();

        static {
            QUEUE.thread.start();
        }
    }

    /**
     * The armed timers. A monitor rather than a ReentrantLock: entering a
     * contended monitor allocates nothing on the heap, where the lock would
     * allocate a queue node.
     */
    private static final class Queue {
        final Thread thread;
        private final TimerHeap timers = new TimerHeap();

        Queue() {
            thread = Thread.ofPlatform().name("pcmshare-clock").daemon().unstarted(this::run);
            // the thread outlives whichever bundle made the first timer: it must not pin its class loader
            thread.setContextClassLoader(null);
        }

        void arm(Entry e, long deadline) {
            boolean earliest;
            synchronized (this) {
                earliest = timers.arm(e, deadline);
            }
            if (earliest) {
                // a permit given before the thread parks makes that park return at once: no wake-up is lost
                LockSupport.unpark(thread);
            }
        }

        synchronized boolean disarm(Entry e) {
            return timers.disarm(e);
        }

        void run() {
            for (;;) {
                Entry due = null;
                long wait;
                synchronized (this) {
                    long now = System.nanoTime();
                    TimerHeap.Node first = timers.peek();
                    if (first == null) {
                        wait = -1;
                    } else if (first.deadline <= now) {
                        due = (Entry) timers.poll();
                        wait = 0;
                    } else {
                        wait = first.deadline - now;
                        if (wait < 0) {
                            // the subtraction overflowed: a deadline far beyond any wait
                            wait = Long.MAX_VALUE;
                        }
                    }
                }
                if (due != null) {
                    try {
                        due.task.run();
                    } catch (Throwable t) {
                        Thread self = Thread.currentThread();
                        self.getUncaughtExceptionHandler().uncaughtException(self, t);
                    }
                } else if (wait < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
                // wakes up early for a new earliest timer, spuriously, or after a run: the loop looks again
            }
        }
    }
}
