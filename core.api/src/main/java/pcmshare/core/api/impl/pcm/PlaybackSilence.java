package pcmshare.core.api.impl.pcm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Silence ahead of the hardware on playback, as pcm_lib.c's
 * snd_pcm_playback_silence and fill_silence_frames: in threshold mode
 * (silence_size below the boundary) enough silence that the hardware meets at
 * least silence_threshold frames of sound or silence; in top-up mode every
 * frame the hardware has played is silenced at once.
 */
final class PlaybackSilence {
    private PlaybackSilence() {
    }

    /**
     * snd_pcm_playback_silence; {@code newHwPtr} -1 initialises (the kernel's
     * ULONG_MAX). Threshold mode measures the frames ahead of the hardware from
     * the new hw_ptr, which the caller has not stored yet, and each fill
     * continues where the last one ended (silence_start + silence_filled): the
     * two fixes of Linux 6.4 without which, after an underrun, the hardware
     * replays stale frames of the previous lap.
     */
    static void fill(Substream s, long newHwPtr) {
        long frames;
        if (s.silenceSize < s.boundary) {
            long appl = s.pages.applPtr();
            moveSilenceStart(s, s.silenceStart, appl);
            long hw = newHwPtr < 0 ? s.ptrs.hwPtr : newHwPtr;
            long noiseDist = appl - hw;
            if (noiseDist < 0) {
                noiseDist += s.boundary;
            }
            noiseDist += s.silenceFilled;
            if (noiseDist >= s.silenceThreshold) {
                return;
            }
            frames = s.silenceThreshold - noiseDist;
            if (frames > s.silenceSize) {
                frames = s.silenceSize;
            }
        } else {
            // free-running mode (dmix): appl_ptr may not move at all
            long hw = s.ptrs.hwPtr;
            if (newHwPtr < 0) {
                long avail = s.pages.applPtr() - hw;
                if (avail < 0) {
                    avail += s.boundary;
                }
                // a huge distance is a free-running appl_ptr: the whole buffer is silenced
                s.silenceFilled = avail > s.bufferSize ? 0 : avail;
                s.silenceStart = hw;
            } else {
                // silence what was just played
                moveSilenceStart(s, hw, newHwPtr);
            }
            // in this mode silence_filled counts the application's frames too
            frames = s.bufferSize - s.silenceFilled;
        }
        if (frames <= 0 || frames > s.bufferSize) {
            return;
        }
        long ofs = (s.silenceStart + s.silenceFilled) % s.bufferSize;
        while (frames > 0) {
            long transfer = ofs + frames > s.bufferSize ? s.bufferSize - ofs : frames;
            frames(s, ofs, transfer);
            s.silenceFilled += transfer;
            frames -= transfer;
            ofs = 0;
        }
    }

    /** update_silence_vars: silence_start moves to {@code to}; what it passed over is no longer silence filled. */
    private static void moveSilenceStart(Substream s, long from, long to) {
        long delta = to - from;
        if (delta == 0) {
            return;
        }
        if (delta < 0) {
            delta += s.boundary;
        }
        if (delta < s.silenceFilled) {
            s.silenceFilled -= delta;
        } else {
            s.silenceFilled = 0;
        }
        s.silenceStart = to;
    }

    /** fill_silence_frames: {@code frames} frames from buffer frame {@code ofs} get the format's silence, every channel. */
    static void frames(Substream s, long ofs, long frames) {
        MemorySegment src = source(s);
        if (s.hw.access().isInterleaved()) {
            MemorySegment.copy(src, 0, s.buffer, ofs * s.frameBytes, frames * s.frameBytes);
        } else {
            for (int c = 0; c < s.channels; c++) {
                MemorySegment.copy(src, 0, s.buffer, (c * s.bufferSize + ofs) * s.sampleBytes, frames * s.sampleBytes);
            }
        }
    }

    /**
     * A buffer's worth of the format's silence, made once per setup so the
     * period path copies it without allocating, and freed with the setup
     * ({@link #release}): native memory is not left for the garbage collector.
     */
    static MemorySegment source(Substream s) {
        if (s.silenceSource == null) {
            Arena arena = Arena.ofShared();
            s.silenceArena = arena;
            s.silenceSource = arena.allocate(s.bufferSize * s.frameBytes);
            s.silenceSource.fill(s.hw.format().silenceByte());
        }
        return s.silenceSource;
    }

    /** The setup goes (hw_free, a new hw_params, close): its silence source goes with it. */
    static void release(Substream s) {
        Arena arena = s.silenceArena;
        s.silenceArena = null;
        s.silenceSource = null;
        if (arena != null) {
            arena.close();
        }
    }
}
