package pcmshare.shell;

import java.util.List;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioFormat.Encoding;

import pcmshare.core.api.pcm.SampleFormat;

/**
 * The stream format of a WAV file in pcmshare's terms, and the mapping between
 * javax.sound.sampled's {@link AudioFormat} and {@link SampleFormat}, rate and
 * channels.
 *
 * @param format   the sample format
 * @param rate     frames per second
 * @param channels channels per frame
 */
record WavFormat(SampleFormat format, int rate, int channels) {

    /**
     * What a WAV file can hold and the commands handle: WAV stores samples
     * little-endian, 8-bit ones unsigned.
     */
    static final List<SampleFormat> SUPPORTED = List.of(SampleFormat.U8, SampleFormat.S16_LE, SampleFormat.S24_3LE,
            SampleFormat.S32_LE, SampleFormat.FLOAT_LE, SampleFormat.FLOAT64_LE);

    static String supported() {
        return "linear PCM " + SUPPORTED + " (8-bit unsigned, 16/24/32-bit signed little-endian, 32/64-bit float)";
    }

    /**
     * The pcmshare format of an audio format.
     *
     * @throws IllegalArgumentException naming the format and what is supported
     */
    static WavFormat of(AudioFormat f) {
        SampleFormat sf = sampleFormat(f);
        float rate = f.getSampleRate();
        if (sf == null || rate <= 0 || rate != Math.rint(rate) || f.getChannels() < 1) {
            throw new IllegalArgumentException("unsupported audio format " + describe(f) + "; supported: "
                    + supported() + " at a whole rate with 1 or more channels");
        }
        return new WavFormat(sf, (int) rate, f.getChannels());
    }

    private static SampleFormat sampleFormat(AudioFormat f) {
        int bits = f.getSampleSizeInBits();
        int channels = f.getChannels();
        if (channels < 1 || bits < 8 || bits % 8 != 0 || f.getFrameSize() != channels * (bits / 8)) {
            return null;
        }
        Encoding e = f.getEncoding();
        boolean le = !f.isBigEndian() || bits == 8;
        if (Encoding.PCM_UNSIGNED.equals(e)) {
            return bits == 8 ? SampleFormat.U8 : null;
        }
        if (Encoding.PCM_SIGNED.equals(e)) {
            return switch (bits) {
                case 8 -> SampleFormat.S8;
                case 16 -> le ? SampleFormat.S16_LE : SampleFormat.S16_BE;
                case 24 -> le ? SampleFormat.S24_3LE : null;
                case 32 -> le ? SampleFormat.S32_LE : null;
                default -> null;
            };
        }
        if (Encoding.PCM_FLOAT.equals(e) && le) {
            return switch (bits) {
                case 32 -> SampleFormat.FLOAT_LE;
                case 64 -> SampleFormat.FLOAT64_LE;
                default -> null;
            };
        }
        return null;
    }

    /**
     * The audio format of this stream format.
     *
     * @throws IllegalArgumentException for S24_LE (24 bits in a 32-bit word), which
     *         javax.sound.sampled cannot describe
     */
    AudioFormat audioFormat() {
        Encoding encoding = switch (format) {
            case U8 -> Encoding.PCM_UNSIGNED;
            case FLOAT_LE, FLOAT64_LE -> Encoding.PCM_FLOAT;
            case S24_LE -> throw new IllegalArgumentException("format S24_LE (24 bits in 32) has no WAV form; "
                    + "supported: " + supported());
            default -> Encoding.PCM_SIGNED;
        };
        boolean bigEndian = format == SampleFormat.S16_BE;
        return new AudioFormat(encoding, rate, format.physicalWidth(), channels, format.bytes() * channels, rate,
                bigEndian);
    }

    /** Whether a WAV file can hold this format. */
    boolean fitsWav() {
        return SUPPORTED.contains(format);
    }

    int frameBytes() {
        return format.bytes() * channels;
    }

    static String describe(AudioFormat f) {
        return f.getEncoding() + " " + f.getSampleSizeInBits() + "-bit" + (f.getSampleSizeInBits() > 8
                ? (f.isBigEndian() ? " big-endian" : " little-endian") : "") + ", " + f.getChannels() + " channels, "
                + f.getSampleRate() + " Hz";
    }

    @Override
    public String toString() {
        return format + ", " + rate + " Hz, " + channels + (channels == 1 ? " channel" : " channels");
    }
}
