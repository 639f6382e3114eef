package pcmshare.core.api.impl.pcm;

import java.lang.System.Logger.Level;

import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * One registered period listener and the events waiting for it. The core only
 * {@link #post}s (under the stream lock, on the thread that paces the hardware):
 * a slot monitor held for a few stores, never client code, nothing allocated.
 * The listener runs on its {@link ListenerDispatch}'s thread, which
 * {@link #deliverOne takes} one event at a time and calls the listener with no
 * lock held, so a listener that blocks or throws stalls only the holder that
 * registered it.
 *
 * <p>Periods in a row coalesce into the newest hw_ptr (as a late reader of the
 * kernel's mmap status sees only the latest position), so the queue only grows
 * by stops. A listener that falls {@link #CAPACITY} events behind loses the
 * oldest ones; the loss is logged once it is called again.
 */
final class ListenerSlot {
    static final byte PERIOD = 1;
    static final byte STOPPED = 2;
    static final int CAPACITY = 16;
    private static final PcmState[] STATES = PcmState.values();
    private static final System.Logger LOG = System.getLogger("pcmshare.core.api");

    final PeriodListener listener;
    private final SubstreamView view;
    private final Substream substream;
    private final ListenerDispatch dispatch;

    // guarded by this
    private final byte[] kinds = new byte[CAPACITY];
    private final long[] values = new long[CAPACITY];
    private int head;
    private int size;
    private long lost;
    /** No longer registered: posts are ignored; the dispatcher drops the slot once its queue is empty. */
    private boolean retired;
    /** Calls that threw; read and written by the dispatcher thread only. */
    private long failures;

    ListenerSlot(PeriodListener listener, Substream substream, ListenerDispatch dispatch) {
        this.listener = listener;
        this.substream = substream;
        this.view = substream.view();
        this.dispatch = dispatch;
    }

    /** Core side: marks the event and wakes the dispatcher; allocation-free, never runs client code. */
    void post(byte kind, long value) {
        synchronized (this) {
            if (retired) {
                return;
            }
            enqueue(kind, value);
        }
        dispatch.wake();
    }

    private void enqueue(byte kind, long value) {
        if (size > 0 && kind == PERIOD) {
            int last = (head + size - 1) % CAPACITY;
            if (kinds[last] == PERIOD) {
                values[last] = value;
                return;
            }
        }
        if (size == CAPACITY) {
            head = (head + 1) % CAPACITY;
            size--;
            lost++;
        }
        int tail = (head + size) % CAPACITY;
        kinds[tail] = kind;
        values[tail] = value;
        size++;
    }

    /**
     * No more events from the core. Unless {@code keepQueued}, what was queued
     * is dropped. With {@code lastWord}, the listener is told
     * {@code stopped(lastWord)} once more, as no period will reach it any more.
     */
    void retire(PcmState lastWord, boolean keepQueued) {
        synchronized (this) {
            if (retired) {
                return;
            }
            if (!keepQueued) {
                head = 0;
                size = 0;
            }
            if (lastWord != null) {
                enqueue(STOPPED, lastWord.ordinal());
            }
            retired = true;
        }
        dispatch.wake();
    }

    /** Retired and nothing left to deliver: the dispatcher may forget it. */
    synchronized boolean spent() {
        return retired && size == 0;
    }

    synchronized boolean pending() {
        return size > 0;
    }

    /** Dispatcher side: calls the listener with the oldest event, no lock held. Answers whether there was one. */
    boolean deliverOne() {
        byte kind;
        long value;
        long lostNow;
        synchronized (this) {
            if (size == 0) {
                return false;
            }
            kind = kinds[head];
            value = values[head];
            head = (head + 1) % CAPACITY;
            size--;
            lostNow = lost;
            lost = 0;
        }
        if (lostNow > 0) {
            LOG.log(Level.WARNING, "period listener " + listener + " of " + substream.name() + " fell behind: "
                    + lostNow + " of its oldest events were dropped");
        }
        try {
            if (kind == PERIOD) {
                listener.periodElapsed(view, value);
            } else {
                listener.stopped(view, STATES[(int) value]);
            }
        } catch (Throwable t) {
            // whatever a listener throws (an Error too) is its own failure: reported, and the core goes on;
            // a listener that throws on every period is reported at the 1st, 2nd, 4th, 8th... failure, so
            // that it cannot flood the log
            failures++;
            if ((failures & (failures - 1)) == 0) {
                LOG.log(Level.WARNING, "period listener " + listener + " of " + substream.name() + " threw from "
                        + (kind == PERIOD ? "periodElapsed" : "stopped") + " (failure " + failures + "): " + t, t);
            }
        }
        return true;
    }
}
