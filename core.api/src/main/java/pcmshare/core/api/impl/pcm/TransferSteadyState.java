package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.pcm.PcmState.RUNNING;

import java.lang.foreign.MemorySegment;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwParams;

/**
 * Read and write without the stream lock in the steady state, as
 * pcm_lib.c's __snd_pcm_lib_xfer copies with the lock dropped: the substream
 * RUNNING, the whole transfer fitting in what the published positions leave
 * (so the locked path would move all of it too, without waiting), no xrun due,
 * no silence filling ahead of appl_ptr, a driver that does not ask to hear of
 * every appl_ptr move (SYNC_APPLPTR), and arguments the locked path would
 * accept. Anything else answers -1 and {@link Transfer} runs under the lock
 * with the kernel's rules.
 *
 * <p>The copy holds the buffer claim on the control page (the kernel's
 * runtime->buffer_accessing), which the locked transfer takes around its own
 * copies and hw_params, hw_free and close wait out, so two transfers never
 * copy into one region and a ring never goes away under a copy. The claim is
 * taken before the state is read again: a stop that this read misses comes
 * after it, and its setup change sees the claim. appl_ptr moves after the copy
 * with a release store: whoever sees it sees the frames. A
 * transfer only ever lowers avail, so it wakes nobody and can cause no xrun.
 */
final class TransferSteadyState {
    private TransferSteadyState() {
    }

    /** Frames transferred, all of {@code size}; or -1 when the stream lock is needed. */
    static long xfer(Substream s, MemorySegment data, MemorySegment[] channelData, long size, boolean interleaved,
            boolean write) {
        if (s.state != RUNNING || s.closing || s.syncApplPtr || s.playback != write || size <= 0
                || (write && s.silenceSize > 0)) {
            return -1;
        }
        HwParams hw = s.hw;
        if (hw == null || !accepts(s, hw, data, channelData, size, interleaved)) {
            return -1;
        }
        if (!s.pages.tryClaimBuffer()) {
            return -1;
        }
        try {
            if (s.state != RUNNING || s.hw != hw) {
                return -1;
            }
            long appl = s.pages.applPtr();
            long avail = MmapSteadyState.avail(s, s.pages.hwPtr(), appl);
            if (avail < size || avail >= s.stopThreshold) {
                return -1;
            }
            long applOfs = appl % s.bufferSize;
            long first = Math.min(size, s.bufferSize - applOfs);
            Transfer.copy(s, data, channelData, interleaved, applOfs, 0, first);
            if (first < size) {
                Transfer.copy(s, data, channelData, interleaved, 0, first, size - first);
            }
            long next = appl + size;
            if (next >= s.boundary) {
                next -= s.boundary;
            }
            s.pages.publishApplPtr(next);
            return size;
        } catch (IllegalStateException closedUnderUs) {
            // the ring went away in a race the claim cannot see (another holder's release): the locked path says why
            return -1;
        } finally {
            s.pages.releaseBuffer();
        }
    }

    /** The arguments the locked path would take as they are, with data for every frame (no silence). */
    private static boolean accepts(Substream s, HwParams hw, MemorySegment data, MemorySegment[] channelData,
            long size, boolean interleaved) {
        if (interleaved) {
            if (hw.access() != Access.RW_INTERLEAVED && s.channels > 1) {
                return false;
            }
            return data != null && size <= data.byteSize() / s.frameBytes;
        }
        if (hw.access() != Access.RW_NONINTERLEAVED || channelData == null || channelData.length != s.channels) {
            return false;
        }
        for (MemorySegment c : channelData) {
            if (c == null || size > c.byteSize() / s.sampleBytes) {
                return false;
            }
        }
        return true;
    }
}
