package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.errno.Errno.ESTRPIPE;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.XRUN;

import pcmshare.core.api.errno.ErrnoException;

/**
 * The ioctls that synchronise with the hardware and move appl_ptr by hand, as
 * pcm_native.c's do_pcm_hwsync, snd_pcm_hwsync, snd_pcm_rewind,
 * snd_pcm_forward and snd_pcm_delay, and alsa-lib's snd_pcm_avail.
 */
final class ApplPtr {
    private ApplPtr() {
    }

    /**
     * pcm_lib.c pcm_lib_apply_appl_ptr: the application side moved appl_ptr,
     * under the stream lock; the driver hears of it (its ack). The lock-free
     * mmap commit ({@link MmapSteadyState#commit}) is the one move without it.
     */
    static void apply(Substream s, long appl) {
        s.pages.publishApplPtr(appl);
        s.ops.ack();
    }

    /** pcm_native.c do_pcm_hwsync. */
    static void doHwsync(Substream s, String op) {
        switch (s.state) {
            case DRAINING -> {
                if (!s.playback) {
                    throw s.refuse(EBADFD, op, null, "capture is draining");
                }
                if (HwPtr.update(s, false) < 0) {
                    throw stoppedBySync(s, op);
                }
            }
            case RUNNING -> {
                if (HwPtr.update(s, false) < 0) {
                    throw stoppedBySync(s, op);
                }
            }
            case PREPARED, PAUSED -> {
            }
            case SUSPENDED -> throw s.refuse(ESTRPIPE, op, null, "suspended: resume or prepare");
            case XRUN -> throw s.refuse(EPIPE, op, s.xrunCount, s.playback ? "underrun" : "overrun");
            default -> throw s.refuse(EBADFD, op, null, "not prepared");
        }
    }

    private static ErrnoException stoppedBySync(Substream s, String op) {
        return s.refuse(EPIPE, op, s.ptrs.hwPtr,
                s.state == XRUN ? (s.playback ? "underrun" : "overrun") : "drained");
    }

    /**
     * hwsync never queues behind another holder of the stream lock in the
     * steady state: a holder is moving the positions itself (a period
     * elapsing), and the pages already say where they are.
     */
    static void hwsync(Substream s) {
        if (s.batch && MmapSteadyState.publishedAvail(s) >= 0) {
            return; // the driver would say what the status page says
        }
        if (!s.lock.tryLock()) {
            if (MmapSteadyState.publishedAvail(s) >= 0) {
                return;
            }
            s.lockStream();
        }
        try {
            s.checkUsable("hwsync");
            doHwsync(s, "hwsync");
        } finally {
            s.lock.unlock();
        }
    }

    /** Moves appl_ptr back within hw_avail or ahead within avail, at most {@code frames}; returns how far. */
    static long move(Substream s, String op, long frames, boolean ahead) {
        s.lockStream();
        try {
            s.checkUsable(op);
            if (frames < 0) {
                throw s.refuse(EINVAL, op, frames, "negative frame count");
            }
            if (frames == 0) {
                return 0;
            }
            doHwsync(s, op);
            long room = ahead ? HwPtr.avail(s) : HwPtr.hwAvail(s);
            if (room <= 0) {
                return 0;
            }
            // on the buffer claim, so that a transfer copying without the lock does not undo the move
            s.pages.claimBuffer();
            try {
                room = ahead ? HwPtr.avail(s) : HwPtr.hwAvail(s);
                long moved = Math.min(frames, Math.max(room, 0));
                long appl = s.pages.applPtr() + (ahead ? moved : -moved);
                if (appl < 0) {
                    appl += s.boundary;
                } else if (appl >= s.boundary) {
                    appl -= s.boundary;
                }
                apply(s, appl);
                return moved;
            } finally {
                s.pages.releaseBuffer();
            }
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * snd_pcm_avail: hwsync, then avail. When another thread holds the stream
     * lock in the steady state, the avail the pages say (alsa-lib's
     * snd_pcm_avail_update) rather than a wait for the lock.
     */
    static long avail(Substream s) {
        if (s.batch) {
            long published = MmapSteadyState.publishedAvail(s);
            if (published >= 0) {
                return published; // the driver would say what the status page says
            }
        }
        if (!s.lock.tryLock()) {
            long published = MmapSteadyState.publishedAvail(s);
            if (published >= 0) {
                return published;
            }
            s.lockStream();
        }
        try {
            s.checkUsable("avail");
            if (!(s.state == DRAINING && !s.playback)) {
                doHwsync(s, "avail");
            }
            return HwPtr.avail(s);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * alsa-lib's snd_pcm_avail_update (pcm_hw.c snd_pcm_hw_avail_update): avail
     * from the pages with no driver call; lock-free in the steady state. A
     * RUNNING stream at stop_threshold is stopped with XRUN first
     * (SNDRV_PCM_IOCTL_XRUN), then refused EPIPE.
     */
    static long availUpdate(Substream s) {
        long published = MmapSteadyState.publishedAvail(s);
        if (published >= 0) {
            return published;
        }
        s.lockWithGroup();
        try {
            s.checkUsable("avail_update");
            switch (s.state) {
                case RUNNING -> {
                    if (HwPtr.avail(s) >= s.stopThreshold) {
                        HwPtr.xrun(s);
                        throw s.refuse(EPIPE, "avail_update", s.xrunCount, s.playback ? "underrun" : "overrun");
                    }
                }
                case XRUN -> throw s.refuse(EPIPE, "avail_update", s.xrunCount, s.playback ? "underrun" : "overrun");
                case SUSPENDED -> throw s.refuse(ESTRPIPE, "avail_update", null, "suspended: resume or prepare");
                case OPEN -> throw s.refuse(EBADFD, "avail_update", null, "no hardware parameters");
                default -> {
                }
            }
            return HwPtr.avail(s);
        } finally {
            s.unlockWithGroup();
        }
    }

    /** snd_pcm_delay. */
    static long delay(Substream s) {
        s.lockStream();
        try {
            s.checkUsable("delay");
            doHwsync(s, "delay");
            return HwPtr.calcDelay(s);
        } finally {
            s.lock.unlock();
        }
    }
}
