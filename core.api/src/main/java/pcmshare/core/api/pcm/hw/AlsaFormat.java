package pcmshare.core.api.pcm.hw;

import pcmshare.core.api.pcm.SampleFormat;

/**
 * Every sample format ALSA numbers ({@code SNDRV_PCM_FORMAT_*}), with the
 * significant and physical widths of the kernel's {@code sound/core/pcm_misc.c}
 * (0 where the kernel has none: MPEG, GSM, SPECIAL). The FORMAT mask of a
 * space holds these numbers; a card serves only those that are also a
 * {@link SampleFormat}.
 */
public enum AlsaFormat {
    S8(0, 8, 8), U8(1, 8, 8),
    S16_LE(2, 16, 16), S16_BE(3, 16, 16), U16_LE(4, 16, 16), U16_BE(5, 16, 16),
    S24_LE(6, 24, 32), S24_BE(7, 24, 32), U24_LE(8, 24, 32), U24_BE(9, 24, 32),
    S32_LE(10, 32, 32), S32_BE(11, 32, 32), U32_LE(12, 32, 32), U32_BE(13, 32, 32),
    FLOAT_LE(14, 32, 32), FLOAT_BE(15, 32, 32), FLOAT64_LE(16, 64, 64), FLOAT64_BE(17, 64, 64),
    IEC958_SUBFRAME_LE(18, 24, 32), IEC958_SUBFRAME_BE(19, 24, 32),
    MU_LAW(20, 8, 8), A_LAW(21, 8, 8), IMA_ADPCM(22, 4, 4), MPEG(23, 0, 0), GSM(24, 0, 0),
    S20_LE(25, 20, 32), S20_BE(26, 20, 32), U20_LE(27, 20, 32), U20_BE(28, 20, 32),
    SPECIAL(31, 0, 0),
    S24_3LE(32, 24, 24), S24_3BE(33, 24, 24), U24_3LE(34, 24, 24), U24_3BE(35, 24, 24),
    S20_3LE(36, 20, 24), S20_3BE(37, 20, 24), U20_3LE(38, 20, 24), U20_3BE(39, 20, 24),
    S18_3LE(40, 18, 24), S18_3BE(41, 18, 24), U18_3LE(42, 18, 24), U18_3BE(43, 18, 24),
    G723_24(44, 3, 3), G723_24_1B(45, 3, 8), G723_40(46, 5, 5), G723_40_1B(47, 5, 8),
    DSD_U8(48, 8, 8), DSD_U16_LE(49, 16, 16), DSD_U32_LE(50, 32, 32), DSD_U16_BE(51, 16, 16),
    DSD_U32_BE(52, 32, 32);

    private static final AlsaFormat[] BY_NUMBER = new AlsaFormat[64];

    static {
        for (AlsaFormat f : values()) {
            BY_NUMBER[f.number] = f;
        }
    }

    private final int number;
    private final int width;
    private final int physicalWidth;

    AlsaFormat(int number, int width, int physicalWidth) {
        this.number = number;
        this.width = width;
        this.physicalWidth = physicalWidth;
    }

    /** SNDRV_PCM_FORMAT_* value: the format's bit in the FORMAT mask. */
    public int number() {
        return number;
    }

    /** Significant bits (snd_pcm_format_width), 0 when the kernel has none. */
    public int width() {
        return width;
    }

    /** Bits in memory (snd_pcm_format_physical_width), 0 when the kernel has none. */
    public int physicalWidth() {
        return physicalWidth;
    }

    /** The format with this number, or null for a number ALSA leaves unused. */
    public static AlsaFormat ofNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** The ALSA format of a pcmshare sample format. */
    public static AlsaFormat of(SampleFormat f) {
        return valueOf(f.name());
    }

    /** The pcmshare sample format of this ALSA format, or null when pcmshare has none. */
    public SampleFormat sampleFormat() {
        for (SampleFormat f : SampleFormat.values()) {
            if (f.name().equals(name())) {
                return f;
            }
        }
        return null;
    }
}
