package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.SETUP;
import static pcmshare.core.api.pcm.PcmState.XRUN;

import pcmshare.core.api.driver.PcmOps;

/**
 * The ring's pointers, as pcm_lib.c's snd_pcm_update_hw_ptr0 and
 * snd_pcm_update_state with __snd_pcm_xrun, pcm_native.c's snd_pcm_calc_delay,
 * and the avail arithmetic of
 * include/sound/pcm.h (snd_pcm_playback_avail, snd_pcm_capture_avail,
 * snd_pcm_*_hw_avail, snd_pcm_playback_data, snd_pcm_playback_empty). All under
 * the stream lock; nothing here allocates.
 */
final class HwPtr {
    /** Slack of the double-acknowledged interrupt check, in place of the kernel's one jiffy. */
    private static final long INTERRUPT_SLACK_NANOS = 1_000_000L;

    private HwPtr() {
    }

    static long playbackAvail(Substream s) {
        long avail = s.ptrs.hwPtr + s.bufferSize - s.pages.applPtr();
        if (avail < 0) {
            avail += s.boundary;
        } else if (avail >= s.boundary) {
            avail -= s.boundary;
        }
        return avail;
    }

    static long captureAvail(Substream s) {
        long avail = s.ptrs.hwPtr - s.pages.applPtr();
        if (avail < 0) {
            avail += s.boundary;
        }
        return avail;
    }

    /** snd_pcm_avail. */
    static long avail(Substream s) {
        return s.playback ? playbackAvail(s) : captureAvail(s);
    }

    /** Frames queued for the hardware (playback) or free for it (capture): snd_pcm_*_hw_avail. */
    static long hwAvail(Substream s) {
        return s.bufferSize - avail(s);
    }

    /**
     * snd_pcm_calc_delay: frames between the application and what is heard (or
     * was captured): hw_avail for playback, avail for capture, plus the frames
     * the driver says its hardware holds beyond its position (runtime->delay).
     */
    static long calcDelay(Substream s) {
        long ring = s.playback ? hwAvail(s) : captureAvail(s);
        long hardware = s.ops.delay();
        return hardware > 0 ? ring + hardware : ring;
    }

    /** snd_pcm_playback_data. */
    static boolean playbackData(Substream s) {
        if (s.stopThreshold >= s.boundary) {
            return true;
        }
        return playbackAvail(s) < s.bufferSize;
    }

    /** snd_pcm_playback_empty. */
    static boolean playbackEmpty(Substream s) {
        return playbackAvail(s) >= s.bufferSize;
    }

    /**
     * snd_pcm_update_hw_ptr0: reads the driver's position, moves hw_ptr across
     * buffer and boundary wraps, then checks xrun and drain and wakes waiters.
     * Returns -1 when the stream stopped (xrun or drained). Allocates nothing.
     */
    static int update(Substream s, boolean inInterrupt) {
        long oldHwPtr = s.ptrs.hwPtr;
        long pos = s.ops.pointer();
        long now = s.clock.nanoTime();
        if (pos == PcmOps.POINTER_XRUN) {
            xrun(s);
            return -1;
        }
        if (pos < 0 || pos >= s.bufferSize) {
            // pcm_lib.c: "invalid position", taken as 0
            pos = 0;
        }
        long hwBase = s.ptrs.hwPtrBase;
        long newHwPtr = hwBase + pos;
        boolean baseMoved = false;
        if (inInterrupt) {
            // one period was processed; a pointer short of that after half a buffer's time means a whole buffer went by
            long expected = s.ptrs.hwPtrInterrupt + s.periodSize;
            if (expected > newHwPtr && now - s.ptrs.hwPtrTime > s.bufferNanos / 2 + INTERRUPT_SLACK_NANOS) {
                hwBase += s.bufferSize;
                if (hwBase >= s.boundary) {
                    hwBase = 0;
                }
                newHwPtr = hwBase + pos;
                baseMoved = true;
            }
        }
        if (!baseMoved && newHwPtr < oldHwPtr) {
            hwBase += s.bufferSize;
            if (hwBase >= s.boundary) {
                hwBase = 0;
            }
            newHwPtr = hwBase + pos;
        }
        long delta = newHwPtr - oldHwPtr;
        if (delta < 0) {
            delta += s.boundary;
        }
        if (delta >= s.bufferSize + s.periodSize) {
            // pcm_lib.c "Unexpected hw_ptr": ignored
            return 0;
        }
        if (s.ptrs.hwPtr == newHwPtr) {
            s.ptrs.hwPtrTime = now;
            return 0;
        }
        if (s.playback && s.silenceSize > 0) {
            PlaybackSilence.fill(s, newHwPtr);
        }
        if (inInterrupt) {
            long d = newHwPtr - s.ptrs.hwPtrInterrupt;
            if (d < 0) {
                d += s.boundary;
            }
            d -= d % s.periodSize;
            s.ptrs.hwPtrInterrupt += d;
            if (s.ptrs.hwPtrInterrupt >= s.boundary) {
                s.ptrs.hwPtrInterrupt -= s.boundary;
            }
        }
        s.ptrs.hwPtrBase = hwBase;
        s.ptrs.hwPtrTime = now;
        s.publishHwPtr(newHwPtr, now);
        return updateState(s);
    }

    /** snd_pcm_update_state: xrun at stop_threshold, drain done at an empty buffer, wake-ups. */
    static int updateState(Substream s) {
        long avail = avail(s);
        if (avail > s.ptrs.availMax) {
            s.ptrs.availMax = avail;
        }
        if (s.state == DRAINING) {
            if (avail >= s.bufferSize) {
                // snd_pcm_drain_done: this substream only
                PcmActions.doStop(s);
                PcmActions.postStop(s, SETUP, s.clock.nanoTime());
                return -1;
            }
        } else if (avail >= s.stopThreshold) {
            xrun(s);
            return -1;
        }
        long threshold = s.twake > 0 ? Math.min(s.twake, s.pages.availMin()) : s.pages.availMin();
        if (avail >= threshold) {
            Waits.wakeAll(s);
        }
        return 0;
    }

    /** __snd_pcm_xrun: stop the group with XRUN. */
    static void xrun(Substream s) {
        PcmActions.action(s, PcmActions.STOP, XRUN);
    }
}
