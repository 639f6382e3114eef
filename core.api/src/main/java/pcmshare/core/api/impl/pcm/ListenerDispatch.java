package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EINVAL;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;

/**
 * The period listeners registered through one handle, and the thread of that
 * handle that runs them. The core marks events in each listener's
 * {@link ListenerSlot} and wakes this thread; the thread calls the listeners
 * with no core lock held. So client code never runs on the thread that paces
 * the hardware nor under a stream lock, and a listener that blocks delays only
 * the other listeners of its own handle.
 *
 * <p>The thread starts with the first listener and ends when the last one is
 * gone (removed, or its handle closed) and has heard its last event: a holder
 * that listens to nothing costs no thread.
 */
final class ListenerDispatch implements Runnable {
    private static final ListenerSlot[] NONE = {};

    private final Substream substream;
    private final String threadName;
    /** What add and remove look up. Guarded by this. */
    private ListenerSlot[] registered = NONE;
    /** What the thread delivers: registered slots and retired ones with a last event. */
    private volatile ListenerSlot[] delivering = NONE;
    /** Guarded by this; null when no thread runs. */
    private Thread thread;
    /** Read by {@link #wake} without the monitor. */
    private volatile Thread wakeTarget;
    private boolean closed;
    /** A listener is being called; read by tests to know the thread went quiet. */
    private volatile boolean calling;

    ListenerDispatch(Substream substream, String owner) {
        this.substream = substream;
        this.threadName = "pcmshare listeners of " + owner + " " + substream.name();
    }

    /** Registers {@code l} with the substream; a second registration of the same listener has no effect. */
    synchronized void add(PeriodListener l, String op) {
        if (l == null) {
            throw substream.refuse(EINVAL, op, null, "listener is null");
        }
        if (closed) {
            throw new ErrnoException(EBADF, op, substream.state(), null, "this handle on " + substream
                    + " is closed");
        }
        for (ListenerSlot s : registered) {
            if (s.listener == l) {
                return;
            }
        }
        ListenerSlot slot = new ListenerSlot(l, substream, this);
        DriverRuntime.addPeriodListener(substream, slot);
        registered = grown(registered, slot);
        delivering = grown(delivering, slot);
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this);
            wakeTarget = thread;
            thread.start();
        } else {
            // a period may have been posted to the slot before the thread could see it
            wake();
        }
    }

    /** Unregisters {@code l}: nothing more is delivered to it (a call under way finishes). */
    boolean remove(PeriodListener l) {
        ListenerSlot slot;
        synchronized (this) {
            slot = null;
            for (ListenerSlot s : registered) {
                if (s.listener == l) {
                    slot = s;
                    break;
                }
            }
            if (slot == null) {
                return false;
            }
            registered = without(registered, slot);
        }
        DriverRuntime.removePeriodListener(substream, slot);
        slot.retire(null, false);
        return true;
    }

    /**
     * The handle (or the substream) closed: every listener leaves the
     * substream. With {@code lastWord}, what was queued is dropped and each is
     * told {@code stopped(lastWord)} once more; without, each still hears what
     * was queued (the stop of the close itself). With {@code forget}, they are
     * forgotten here too (a later remove finds nothing) and nothing can be
     * added any more.
     */
    void retireAll(PcmState lastWord, boolean forget) {
        ListenerSlot[] slots;
        synchronized (this) {
            slots = registered;
            if (forget) {
                registered = NONE;
                closed = true;
            }
        }
        for (ListenerSlot slot : slots) {
            DriverRuntime.removePeriodListener(substream, slot);
            slot.retire(lastWord, lastWord == null);
        }
    }

    void wake() {
        Thread t = wakeTarget;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** No event waits and no listener is being called (tests wait for it). */
    boolean idle() {
        if (calling) {
            return false;
        }
        for (ListenerSlot s : delivering) {
            if (s.pending()) {
                return false;
            }
        }
        return !calling;
    }

    @Override
    public void run() {
        for (;;) {
            boolean any = false;
            for (ListenerSlot s : delivering) {
                calling = true;
                try {
                    any |= s.deliverOne();
                } finally {
                    calling = false;
                }
            }
            if (any) {
                continue;
            }
            synchronized (this) {
                ListenerSlot[] now = delivering;
                for (ListenerSlot s : now) {
                    if (s.spent()) {
                        now = without(now, s);
                    }
                }
                delivering = now;
                if (now.length == 0) {
                    thread = null;
                    wakeTarget = null;
                    return;
                }
            }
            // a listener's interrupt is its own business; it must not turn this park into a spin
            Thread.interrupted();
            LockSupport.park(this);
        }
    }

    private static ListenerSlot[] grown(ListenerSlot[] a, ListenerSlot s) {
        ListenerSlot[] g = Arrays.copyOf(a, a.length + 1);
        g[a.length] = s;
        return g;
    }

    private static ListenerSlot[] without(ListenerSlot[] a, ListenerSlot s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == s) {
                ListenerSlot[] shrunk = new ListenerSlot[a.length - 1];
                System.arraycopy(a, 0, shrunk, 0, i);
                System.arraycopy(a, i + 1, shrunk, i, a.length - i - 1);
                return shrunk;
            }
        }
        return a;
    }
}
