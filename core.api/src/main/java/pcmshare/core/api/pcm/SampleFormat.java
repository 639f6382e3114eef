package pcmshare.core.api.pcm;

/**
 * Sample formats, as ALSA's SNDRV_PCM_FORMAT_*: significant bits ({@link #width()})
 * and bits the sample takes in memory ({@link #physicalWidth()}).
 */
public enum SampleFormat {
    S8(8, 8, false, (byte) 0),
    U8(8, 8, false, (byte) 0x80),
    S16_LE(16, 16, false, (byte) 0),
    S16_BE(16, 16, false, (byte) 0),
    /** 24 significant bits in the low three bytes of a 32-bit little-endian word. */
    S24_LE(24, 32, false, (byte) 0),
    /** 24 bits packed in three bytes, little-endian. */
    S24_3LE(24, 24, false, (byte) 0),
    S32_LE(32, 32, false, (byte) 0),
    FLOAT_LE(32, 32, true, (byte) 0),
    FLOAT64_LE(64, 64, true, (byte) 0);

    private final int width;
    private final int physicalWidth;
    private final boolean floatingPoint;
    private final byte silence;

    SampleFormat(int width, int physicalWidth, boolean floatingPoint, byte silence) {
        this.width = width;
        this.physicalWidth = physicalWidth;
        this.floatingPoint = floatingPoint;
        this.silence = silence;
    }

    /** Significant bits per sample. */
    public int width() {
        return width;
    }

    /** Bits one sample takes in memory. */
    public int physicalWidth() {
        return physicalWidth;
    }

    /** Bytes one sample takes in memory. */
    public int bytes() {
        return physicalWidth / 8;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The byte every byte of a silent sample holds (0x80 for U8, 0 otherwise). */
    public byte silenceByte() {
        return silence;
    }
}
