package pcmshare.driver.dummy;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

import pcmshare.core.api.clock.Clock;

/**
 * The one timer of a card: a single re-armable {@link Clock.Timer}, made once,
 * armed at the earliest period deadline of the card's running substreams, which on firing reports
 * every substream whose period completed and re-arms for the next deadline. A
 * stopped substream leaves the queue, and with none running nothing is armed.
 *
 * <p>With a slack the timer is armed that much after the earliest deadline and
 * serves every deadline passed by then: many substreams started at different
 * times then cost a few firings per period instead of one each.
 *
 * <p>Deadlines sit in a binary heap whose entries know their slot, so starting,
 * stopping and re-queueing a substream allocate nothing, and neither does
 * re-arming the clock's timer. Period-elapsed
 * reports go to the core after the queue's lock is let go: the core calls
 * trigger (and so {@link #stop}) from within them, with the substream's lock
 * held. A second lock serialises the reports of one firing against the next
 * (lock order: reports, then substream, then queue).
 */
final class CardTimer {
    private final Clock clock;
    private final long slackNanos;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final ReentrantLock reportLock = new ReentrantLock();
    private final Clock.Timer timer;

    private Entry[] heap = new Entry[16];
    private int size;
    private long armedDeadline = Long.MAX_VALUE;
    private DummyStream[] due = new DummyStream[16];
    private long firings;

    /**
     * @param slackNanos how late a period may be reported so that deadlines close
     *                   together are served by one firing (as hrtimer ranges and
     *                   the kernel's timer slack); 0 reports every period on time
     */
    CardTimer(Clock clock, long slackNanos) {
        this.clock = clock;
        this.slackNanos = slackNanos;
        this.timer = clock.newTimer(this::fire);
    }

    Clock clock() {
        return clock;
    }

    /** A substream's place in the queue; its fields are guarded by the queue's lock. */
    static final class Entry {
        final DummyStream stream;
        private Pacing pacing;
        private long startNanos;
        private long baseFrames;
        private long periodSize;
        private long nextBoundary;
        private long deadline;
        private int slot = -1;

        Entry(DummyStream stream) {
            this.stream = stream;
        }
    }

    /**
     * Queues a substream that started at {@code startNanos} from {@code baseFrames}:
     * it is reported at every multiple of {@code periodSize} frames it reaches.
     */
    void start(Entry e, Pacing pacing, long startNanos, long baseFrames, long periodSize) {
        queueLock.lock();
        try {
            e.pacing = pacing;
            e.startNanos = startNanos;
            e.baseFrames = baseFrames;
            e.periodSize = periodSize;
            e.nextBoundary = (baseFrames / periodSize + 1) * periodSize;
            e.deadline = pacing.deadline(startNanos, e.nextBoundary - baseFrames);
            if (e.slot < 0) {
                insert(e);
            } else {
                siftUp(e.slot);
                siftDown(e.slot);
            }
            if (e.deadline + slackNanos < armedDeadline) {
                arm();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Takes a substream off the queue; with nothing left, the clock's timer is cancelled. */
    void stop(Entry e) {
        queueLock.lock();
        try {
            if (e.slot >= 0) {
                remove(e.slot);
            }
            if (size == 0) {
                disarm();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Empties the queue (the card is going away). */
    void stopAll() {
        queueLock.lock();
        try {
            for (int i = 0; i < size; i++) {
                heap[i].slot = -1;
                heap[i] = null;
            }
            size = 0;
            disarm();
        } finally {
            queueLock.unlock();
        }
    }

    /** Substreams queued now. */
    int running() {
        queueLock.lock();
        try {
            return size;
        } finally {
            queueLock.unlock();
        }
    }

    /** Times the clock's timer fired. */
    long firings() {
        queueLock.lock();
        try {
            return firings;
        } finally {
            queueLock.unlock();
        }
    }

    private void fire() {
        reportLock.lock();
        try {
            int n = 0;
            queueLock.lock();
            try {
                firings++;
                long now = clock.nanoTime();
                while (size > 0 && heap[0].deadline <= now) {
                    Entry e = heap[0];
                    long frames = e.baseFrames + e.pacing.frames(e.startNanos, now);
                    if (frames >= e.nextBoundary) {
                        if (n == due.length) {
                            due = Arrays.copyOf(due, n * 2);
                        }
                        due[n++] = e.stream;
                        e.nextBoundary = (frames / e.periodSize + 1) * e.periodSize;
                    }
                    long next = e.pacing.deadline(e.startNanos, e.nextBoundary - e.baseFrames);
                    // the clock and the arithmetic agree, so this only guards against a clock that does not
                    e.deadline = next > now ? next : now + 1;
                    siftDown(0);
                }
                arm();
            } finally {
                queueLock.unlock();
            }
            for (int i = 0; i < n; i++) {
                DummyStream s = due[i];
                due[i] = null;
                s.periodElapsed();
            }
        } finally {
            reportLock.unlock();
        }
    }

    /** Arms the clock's timer at the earliest deadline plus the slack, replacing the deadline armed before. */
    private void arm() {
        if (size > 0) {
            armedDeadline = heap[0].deadline + slackNanos;
            timer.schedule(armedDeadline);
        } else {
            disarm();
        }
    }

    private void disarm() {
        timer.cancel();
        armedDeadline = Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- heap by deadline

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
            if (p.deadline <= e.deadline) {
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
            if (child + 1 < size && heap[child + 1].deadline < heap[child].deadline) {
                child++;
            }
            Entry c = heap[child];
            if (e.deadline <= c.deadline) {
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
