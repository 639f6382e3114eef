package pcmshare.core.api.impl.pcm;

import java.lang.foreign.MemorySegment;

import static pcmshare.core.api.pcm.PcmState.RUNNING;

import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;

/**
 * The mmap path without the stream lock, as alsa-lib runs it on the kernel's
 * mapped status and control pages (pcm_hw.c with mmap_status and
 * mmap_control, pcm.c's __snd_pcm_mmap_begin_generic): begin reads hw_ptr and
 * appl_ptr with acquire loads and answers with the room they leave, commit
 * stores appl_ptr with a release store; neither calls the driver nor touches
 * the stream lock. Only the steady state is served here: the substream
 * RUNNING, no xrun due at the published positions, and a driver that does not
 * ask to hear of every appl_ptr move (SYNC_APPLPTR). Anything else answers
 * "not here" and the caller takes the stream lock and the kernel's rules
 * ({@link MmapAccess}).
 *
 * <p>Short of room, begin answers what the status page says, fewer frames or
 * none, as alsa-lib's mmap_begin does: the driver's position between two
 * periods is what hwsync (or avail) asks for. A poller that waits for room
 * therefore never takes the lock the period path needs to make the room.
 *
 * <p>Why this is safe: the hardware parameters, the buffer and the
 * thresholds are written under the stream lock before the volatile write of
 * RUNNING that this path reads first, and do not change while RUNNING (hw_params
 * is refused there; stop_threshold is volatile for sw_params). A commit only
 * ever lowers avail, so it can never be the event a sleeper waits for: wake-ups
 * stay with the hw_ptr updates under the lock, and none is lost. A commit that
 * races a stop is ordered before it, as in the kernel, where the application
 * stores appl_ptr in the control page whenever it likes.
 */
final class MmapSteadyState {
    private MmapSteadyState() {
    }

    /**
     * The area, or null when the stream lock is needed. Allocates nothing once each period offset was asked once.
     * A close racing this read releases the pages under it: FFM's IllegalStateException then sends the call to
     * the locked path, which answers EBADFD as for any closed handle.
     */
    static MmapArea begin(Substream s, long frames) {
        try {
            return beginUnlocked(s, frames);
        } catch (IllegalStateException closedUnderUs) {
            return null;
        }
    }

    private static MmapArea beginUnlocked(Substream s, long frames) {
        if (s.state != RUNNING || s.closing || s.syncApplPtr || frames < 0) {
            return null;
        }
        HwParams hw = s.hw;
        MemorySegment buffer = s.buffer;
        if (hw == null || buffer == null || !hw.access().isMmap()) {
            return null;
        }
        long appl = s.pages.applPtr();
        long avail = avail(s, s.pages.hwPtr(), appl);
        if (avail >= s.stopThreshold) {
            return null; // an xrun is due: the locked path reports it
        }
        long applOfs = appl % s.bufferSize;
        long n = Math.min(frames, s.bufferSize - applOfs);
        if (s.closing) {
            return null; // a close began meanwhile: the locked path answers for the closed handle
        }
        return area(s, hw, buffer, applOfs, Math.min(n, avail));
    }

    /** True when the commit was made here; false when the stream lock is needed (to do it or to refuse it). */
    static boolean commit(Substream s, long offset, long frames) {
        try {
            return commitUnlocked(s, offset, frames);
        } catch (IllegalStateException closedUnderUs) {
            return false; // closed under us: the locked path says EBADFD
        }
    }

    private static boolean commitUnlocked(Substream s, long offset, long frames) {
        if (s.state != RUNNING || s.closing || s.syncApplPtr || frames < 0) {
            return false;
        }
        HwParams hw = s.hw;
        if (hw == null || !hw.access().isMmap()) {
            return false;
        }
        long appl = s.pages.applPtr();
        if (offset != appl % s.bufferSize || frames > avail(s, s.pages.hwPtr(), appl)) {
            return false; // the locked path says EPIPE, with what was wrong
        }
        long next = appl + frames;
        if (next >= s.boundary) {
            next -= s.boundary;
        }
        // release: the frames written in place are visible to whoever sees the new appl_ptr
        s.pages.publishApplPtr(next);
        return true;
    }

    /**
     * avail as the status and control pages say it, when the stream is in the
     * steady state (RUNNING, no xrun due); -1 otherwise. What alsa-lib's
     * snd_pcm_avail_update reads from the mapped pages.
     */
    static long publishedAvail(Substream s) {
        if (s.state != RUNNING || s.closing || s.hw == null) {
            return -1;
        }
        try {
            long applPtr = s.pages.applPtr();
            long avail = avail(s, s.pages.hwPtr(), applPtr);
            return avail < s.stopThreshold ? avail : -1;
        } catch (IllegalStateException closedUnderUs) {
            return -1; // closed under us: the locked path says EBADFD
        }
    }

    /** snd_pcm_playback_avail / snd_pcm_capture_avail on positions read once. */
    static long avail(Substream s, long hwPtr, long applPtr) {
        long avail = s.playback ? hwPtr + s.bufferSize - applPtr : hwPtr - applPtr;
        if (avail < 0) {
            avail += s.boundary;
        } else if (avail >= s.boundary) {
            avail -= s.boundary;
        }
        return avail;
    }

    /**
     * The area of {@code frames} frames from buffer frame {@code offset}; the
     * same record again for the same request at the same period boundary, so
     * that the steady state allocates nothing, polling for room included.
     */
    static MmapArea area(Substream s, long offset, long frames) {
        return area(s, s.hw, s.buffer, offset, frames);
    }

    /** As {@link #area(Substream, long, long)} on the setup read once (the lock-free path: a close may clear it). */
    static MmapArea area(Substream s, HwParams hw, MemorySegment buffer, long offset, long frames) {
        MmapArea[] cache = s.mmapAreas;
        // two records per period offset: the one a poller gets while there is no room, and the other
        int slot = offset % s.periodSize == 0 ? 2 * (int) (offset / s.periodSize) + (frames == 0 ? 1 : 0) : -1;
        if (cache != null && slot >= 0 && slot < cache.length) {
            MmapArea a = cache[slot];
            if (a != null && a.frames() == frames && a.buffer() == buffer) {
                return a;
            }
            a = new MmapArea(buffer, offset, frames, hw.access(), s.channels, s.sampleBytes, s.bufferSize);
            // a racing writer of the same slot only costs the other an allocation: the record is immutable
            cache[slot] = a;
            return a;
        }
        return new MmapArea(buffer, offset, frames, hw.access(), s.channels, s.sampleBytes, s.bufferSize);
    }
}
