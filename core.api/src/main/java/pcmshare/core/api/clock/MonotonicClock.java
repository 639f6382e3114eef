package pcmshare.core.api.clock;

import java.util.Arrays;
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

    /** A timer; its deadline, sequence and slot are guarded by the queue's monitor. */
    private static final class Entry implements Timer {
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
        private Entry[] heap = new Entry[16];
        private int size;
        private long sequence;

        Queue() {
            thread = Thread.ofPlatform().name("pcmshare-clock").daemon().unstarted(this::run);
            // the thread outlives whichever bundle made the first timer: it must not pin its class loader
            thread.setContextClassLoader(null);
        }

        void arm(Entry e, long deadline) {
            boolean earliest;
            synchronized (this) {
                e.deadline = deadline;
                e.seq = sequence++;
                if (e.slot < 0) {
                    insert(e);
                } else {
                    siftUp(e.slot);
                    siftDown(e.slot);
                }
                earliest = e.slot == 0;
            }
            if (earliest) {
                // a permit given before the thread parks makes that park return at once: no wake-up is lost
                LockSupport.unpark(thread);
            }
        }

        synchronized boolean disarm(Entry e) {
            if (e.slot < 0) {
                return false;
            }
            remove(e.slot);
            return true;
        }

        void run() {
            for (;;) {
                Entry due = null;
                long wait;
                synchronized (this) {
                    long now = System.nanoTime();
                    if (size == 0) {
                        wait = -1;
                    } else if (heap[0].deadline <= now) {
                        due = heap[0];
                        remove(0);
                        wait = 0;
                    } else {
                        wait = heap[0].deadline - now;
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

        // ------------------------------------------------------------ heap by deadline, then arming order

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
    }
}
