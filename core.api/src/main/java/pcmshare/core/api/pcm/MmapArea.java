package pcmshare.core.api.pcm;

import java.lang.foreign.MemorySegment;

/**
 * The part of the ring buffer an application may touch now, from
 * {@link PcmSubstream#mmapBegin(long)}: {@code frames} contiguous frames from
 * frame {@code offset} of the buffer. Interleaved: frame {@code f} of channel
 * {@code c} is at byte {@code f * frameBytes + c * sampleBytes}; non-interleaved:
 * at {@code c * bufferSize * sampleBytes + f * sampleBytes}. Use
 * {@link #byteOffset(int, long)} rather than computing it.
 */
public record MmapArea(MemorySegment buffer, long offset, long frames, Access access, int channels, int sampleBytes,
        long bufferSize) {

    /** Byte offset in {@link #buffer()} of channel {@code channel} at buffer frame {@code frame}. */
    public long byteOffset(int channel, long frame) {
        if (access.isInterleaved()) {
            return (frame * channels + channel) * sampleBytes;
        }
        return (channel * bufferSize + frame) * sampleBytes;
    }

    /** Bytes from one sample of a channel to the next. */
    public int stepBytes() {
        return access.isInterleaved() ? channels * sampleBytes : sampleBytes;
    }
}
