package pcmshare.driver.dummy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import pcmshare.core.api.pcm.SampleFormat;

/** Writing one sample of any format into a ring buffer. */
final class Samples {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Samples() {
    }

    /**
     * Stores the low bits of {@code raw} as one sample: the sample's physical
     * width, in the format's byte order; 24-bit formats keep 24 bits (S24_LE's
     * top byte is 0), floating-point formats take the integer's bits.
     */
    static void putRaw(MemorySegment buf, long offset, SampleFormat format, long raw) {
        switch (format) {
            case S8, U8 -> buf.set(ValueLayout.JAVA_BYTE, offset, (byte) raw);
            case S16_LE -> buf.set(SHORT_LE, offset, (short) raw);
            case S16_BE -> buf.set(SHORT_BE, offset, (short) raw);
            case S24_LE -> buf.set(INT_LE, offset, (int) (raw & 0xFF_FFFF));
            case S24_3LE -> put24(buf, offset, (int) raw);
            case S32_LE, FLOAT_LE -> buf.set(INT_LE, offset, (int) raw);
            case FLOAT64_LE -> buf.set(LONG_LE, offset, raw);
        }
    }

    /** Stores a level in [-1, 1] (clamped) as one sample, full scale being the format's largest positive value. */
    static void putLevel(MemorySegment buf, long offset, SampleFormat format, double level) {
        double x = Math.max(-1.0, Math.min(1.0, level));
        switch (format) {
            case S8 -> buf.set(ValueLayout.JAVA_BYTE, offset, (byte) Math.round(x * 127));
            case U8 -> buf.set(ValueLayout.JAVA_BYTE, offset, (byte) (Math.round(x * 127) + 128));
            case S16_LE -> buf.set(SHORT_LE, offset, (short) Math.round(x * 32_767));
            case S16_BE -> buf.set(SHORT_BE, offset, (short) Math.round(x * 32_767));
            case S24_LE -> buf.set(INT_LE, offset, (int) Math.round(x * 8_388_607));
            case S24_3LE -> put24(buf, offset, (int) Math.round(x * 8_388_607));
            case S32_LE -> buf.set(INT_LE, offset, (int) Math.round(x * 2_147_483_647.0));
            case FLOAT_LE -> buf.set(FLOAT_LE, offset, (float) x);
            case FLOAT64_LE -> buf.set(DOUBLE_LE, offset, x);
        }
    }

    private static void put24(MemorySegment buf, long offset, int v) {
        buf.set(ValueLayout.JAVA_BYTE, offset, (byte) v);
        buf.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) (v >> 8));
        buf.set(ValueLayout.JAVA_BYTE, offset + 2, (byte) (v >> 16));
    }
}
