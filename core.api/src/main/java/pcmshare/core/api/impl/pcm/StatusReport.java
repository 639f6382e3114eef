package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.pcm.PcmState.OPEN;

import java.util.Set;

import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.SubstreamInfo;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * Status, as pcm_native.c's snd_pcm_status64 (available in every state; reading
 * it resets avail_max) and pcm.c's /proc status files, which the listings
 * follow.
 */
final class StatusReport {
    private StatusReport() {
    }

    static PcmStatus status(Substream s) {
        s.lockStream();
        try {
            if (s.closed) {
                throw s.refuse(EBADF, "status", null, "substream handle is closed");
            }
            long now = s.clock.nanoTime();
            if (s.state == OPEN) {
                return new PcmStatus(OPEN, s.suspendedState, s.triggerTimestamp, now, 0, 0, 0, 0, 0, s.xrunCount);
            }
            if (s.running()) {
                HwPtr.update(s, false);
            }
            boolean hasBuffer = s.hw != null;
            long avail = hasBuffer ? HwPtr.avail(s) : 0;
            long delay = hasBuffer && s.running() ? HwPtr.calcDelay(s) : 0;
            long max = s.ptrs.availMax;
            s.ptrs.availMax = 0;
            return new PcmStatus(s.state, s.suspendedState, s.triggerTimestamp, now, s.ptrs.hwPtr,
                    s.pages.applPtr(), avail, max, delay, s.xrunCount);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * What a listing shows of this substream, or null once closed. Like
     * {@link #status} it brings hw_ptr up to date (as reading ALSA's
     * /proc status does), but it leaves avail_max to the holder.
     */
    static SubstreamInfo info(Substream s) {
        Set<SubstreamView> linked = s.linkedWith();
        s.lockStream();
        try {
            if (s.closed) {
                return null;
            }
            long now = s.clock.nanoTime();
            PcmStatus st;
            if (s.state == OPEN) {
                st = new PcmStatus(OPEN, s.suspendedState, s.triggerTimestamp, now, 0, 0, 0, 0, 0, s.xrunCount);
            } else {
                if (s.running()) {
                    HwPtr.update(s, false);
                }
                boolean hasBuffer = s.hw != null;
                long avail = hasBuffer ? HwPtr.avail(s) : 0;
                long delay = hasBuffer && s.running() ? HwPtr.calcDelay(s) : 0;
                st = new PcmStatus(s.state, s.suspendedState, s.triggerTimestamp, now, s.ptrs.hwPtr,
                        s.pages.applPtr(), avail, s.ptrs.availMax, delay, s.xrunCount);
            }
            return new SubstreamInfo(s.cardId(), s.device(), s.direction, s.subdevice(), s.holder, s.handles, s.hw, st,
                    linked);
        } finally {
            s.lock.unlock();
        }
    }
}
