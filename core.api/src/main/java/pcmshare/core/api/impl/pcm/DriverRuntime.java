package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EINVAL;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.driver.PcmRuntime;

/**
 * What the driver sees of its substream (the kernel's substream->runtime) and
 * what it calls back: pcm_lib.c's snd_pcm_period_elapsed
 * (snd_pcm_period_elapsed_under_stream_lock), pcm_native.c's snd_pcm_stop_xrun
 * and snd_pcm_stop; and the period listeners told after each period and stop.
 */
final class DriverRuntime extends LinkView implements PcmRuntime {
    DriverRuntime(Substream s) {
        super(s);
    }

    @Override
    public MemorySegment buffer() {
        return s.buffer;
    }

    @Override
    public SharedMemory bufferMemory() {
        return s.bufferMemory;
    }

    @Override
    public void periodElapsed() {
        s.lockWithGroup();
        try {
            // snd_pcm_period_elapsed_under_stream_lock
            if (s.running() && HwPtr.update(s, true) >= 0) {
                firePeriodElapsed(s);
            }
        } finally {
            s.unlockWithGroup();
        }
    }

    @Override
    public void xrun() {
        s.lockWithGroup();
        try {
            // snd_pcm_stop_xrun
            if (s.running()) {
                HwPtr.xrun(s);
            }
        } finally {
            s.unlockWithGroup();
        }
    }

    @Override
    public void stop(PcmState target) {
        switch (target) {
            case SETUP, XRUN -> {
            }
            case DRAINING -> {
                if (s.playback) {
                    throw s.refuse(EINVAL, "stop", target, "only a capture stops into DRAINING");
                }
            }
            default -> throw s.refuse(EINVAL, "stop", target, "a stop ends in SETUP, XRUN or DRAINING");
        }
        s.lockWithGroup();
        try {
            // snd_pcm_stop
            if (s.running()) {
                PcmActions.action(s, PcmActions.STOP, target);
            }
        } finally {
            s.unlockWithGroup();
        }
    }

    @Override
    public long applPtr() {
        return s.pages.applPtr();
    }

    @Override
    public String toString() {
        return "runtime of " + s;
    }

    // ---------------------------------------------------------------- period listeners

    /**
     * Listeners are slots the core posts to ({@link ListenerSlot}); their own
     * handle's thread runs them ({@link ListenerDispatch}), never this one.
     */
    static void addPeriodListener(Substream s, ListenerSlot slot) {
        s.lockStream();
        try {
            s.checkUsable("add_period_listener");
            ListenerSlot[] old = s.periodListeners;
            ListenerSlot[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = slot;
            s.periodListeners = grown;
        } finally {
            s.lock.unlock();
        }
    }

    static void removePeriodListener(Substream s, ListenerSlot slot) {
        s.lockStream();
        try {
            ListenerSlot[] old = s.periodListeners;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == slot) {
                    ListenerSlot[] shrunk = new ListenerSlot[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    s.periodListeners = shrunk;
                    return;
                }
            }
        } finally {
            s.lock.unlock();
        }
    }

    /** Under the stream lock, after hw_ptr moved: marks and wakes, runs no listener, allocates nothing. */
    private static void firePeriodElapsed(Substream s) {
        ListenerSlot[] ls = s.periodListeners;
        for (int i = 0; i < ls.length; i++) {
            ls[i].post(ListenerSlot.PERIOD, s.ptrs.hwPtr);
        }
    }

    /** Under the stream lock, once the state has changed to a stopped one: marks and wakes, as above. */
    static void firePeriodStopped(Substream s) {
        ListenerSlot[] ls = s.periodListeners;
        for (int i = 0; i < ls.length; i++) {
            ls[i].post(ListenerSlot.STOPPED, s.state.ordinal());
        }
    }
}
