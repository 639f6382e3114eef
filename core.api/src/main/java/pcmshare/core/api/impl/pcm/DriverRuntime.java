package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EINVAL;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;
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
        return s.applPtr;
    }

    @Override
    public String toString() {
        return "runtime of " + s;
    }

    // ---------------------------------------------------------------- period listeners

    static void addPeriodListener(Substream s, PeriodListener listener) {
        if (listener == null) {
            throw s.refuse(EINVAL, "add_period_listener", null, "listener is null");
        }
        s.lockStream();
        try {
            s.checkUsable("add_period_listener");
            PeriodListener[] old = s.periodListeners;
            for (PeriodListener l : old) {
                if (l == listener) {
                    return;
                }
            }
            PeriodListener[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = listener;
            s.periodListeners = grown;
        } finally {
            s.lock.unlock();
        }
    }

    static boolean removePeriodListener(Substream s, PeriodListener listener) {
        s.lockStream();
        try {
            PeriodListener[] old = s.periodListeners;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == listener) {
                    PeriodListener[] shrunk = new PeriodListener[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    s.periodListeners = shrunk;
                    return true;
                }
            }
            return false;
        } finally {
            s.lock.unlock();
        }
    }

    /** Under the stream lock, after hw_ptr moved; allocates nothing. */
    private static void firePeriodElapsed(Substream s) {
        PeriodListener[] ls = s.periodListeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].periodElapsed(s.linkView, s.hwPtr);
            } catch (RuntimeException ignored) {
                // one listener's failure must not stop the period path or the others
            }
        }
    }

    /** Under the stream lock, once the state has changed to a stopped one. */
    static void firePeriodStopped(Substream s) {
        PeriodListener[] ls = s.periodListeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].stopped(s.linkView, s.state);
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }
}
