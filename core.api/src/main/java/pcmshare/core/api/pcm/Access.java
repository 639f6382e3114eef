package pcmshare.core.api.pcm;

/** How an application reaches the ring buffer, as ALSA's SNDRV_PCM_ACCESS_*. */
public enum Access {
    MMAP_INTERLEAVED(true, true),
    MMAP_NONINTERLEAVED(true, false),
    RW_INTERLEAVED(false, true),
    RW_NONINTERLEAVED(false, false);

    private final boolean mmap;
    private final boolean interleaved;

    Access(boolean mmap, boolean interleaved) {
        this.mmap = mmap;
        this.interleaved = interleaved;
    }

    /** Direct access to the buffer (map, mmap begin/commit) rather than read/write. */
    public boolean isMmap() {
        return mmap;
    }

    /** Frames are stored channel after channel; otherwise each channel has its own block. */
    public boolean isInterleaved() {
        return interleaved;
    }
}
