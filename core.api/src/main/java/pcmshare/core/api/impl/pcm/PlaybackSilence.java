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

    /** snd_pcm_playback_silence; {@code newHwPtr} -1 initialises (the kernel's ULONG_MAX). */
    static void fill(Substream s, long newHwPtr) {
        long frames;
        if (s.silenceSize < s.boundary) {
            long appl = s.applPtr;
            if (s.silenceStart != appl) {
                long n = appl - s.silenceStart;
                if (n < 0) {
                    n += s.boundary;
                }
                if (n < s.silenceFilled) {
                    s.silenceFilled -= n;
                } else {
                    s.silenceFilled = 0;
                }
                s.silenceStart = appl;
            }
            if (s.silenceFilled >= s.bufferSize) {
                return;
            }
            long noiseDist = HwPtr.hwAvail(s) + s.silenceFilled;
            if (noiseDist >= s.silenceThreshold) {
                return;
            }
            frames = s.silenceThreshold - noiseDist;
            if (frames > s.silenceSize) {
                frames = s.silenceSize;
            }
        } else {
            if (newHwPtr < 0) {
                long avail = HwPtr.hwAvail(s);
                if (avail > s.bufferSize) {
                    avail = s.bufferSize;
                }
                s.silenceFilled = Math.max(avail, 0);
                s.silenceStart = (s.hwPtr + s.silenceFilled) % s.boundary;
            } else {
                long ofs = s.hwPtr;
                long played = newHwPtr - ofs;
                if (played < 0) {
                    played += s.boundary;
                }
                s.silenceFilled -= played;
                if (s.silenceFilled < 0) {
                    s.silenceFilled = 0;
                    s.silenceStart = newHwPtr;
                } else {
                    s.silenceStart = ofs;
                }
            }
            frames = s.bufferSize - s.silenceFilled;
        }
        if (frames <= 0 || frames > s.bufferSize) {
            return;
        }
        long ofs = s.silenceStart % s.bufferSize;
        while (frames > 0) {
            long transfer = ofs + frames > s.bufferSize ? s.bufferSize - ofs : frames;
            frames(s, ofs, transfer);
            s.silenceFilled += transfer;
            frames -= transfer;
            ofs = 0;
        }
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

    /** A buffer's worth of the format's silence, made once per setup so the period path copies it without allocating. */
    static MemorySegment source(Substream s) {
        if (s.silenceSource == null) {
            s.silenceSource = Arena.ofAuto().allocate(s.bufferSize * s.frameBytes);
            s.silenceSource.fill(s.hw.format().silenceByte());
        }
        return s.silenceSource;
    }
}
