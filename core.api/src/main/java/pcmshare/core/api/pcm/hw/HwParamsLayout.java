package pcmshare.core.api.pcm.hw;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The binary layout of {@code struct snd_pcm_hw_params}
 * ({@code include/uapi/sound/asound.h}) on x86_64 and other LP64 Linux
 * targets, in native byte order: what alsa-lib's {@code snd_pcm_hw_params_t}
 * holds and what its shm plugin sends for HW_REFINE and HW_PARAMS.
 *
 * <pre>
 * offset size
 *      0    4  flags
 *      4   96  masks[3]        struct snd_mask: u32 bits[8] (pcmshare reads and writes bits 0-63)
 *    100  160  mres[5]         reserved masks, written as 0
 *    260  144  intervals[12]   struct snd_interval: u32 min, u32 max,
 *                              u32 openmin:1 openmax:1 integer:1 empty:1 (bits 0-3)
 *    404  108  ires[9]         reserved intervals, written as 0
 *    512    4  rmask
 *    516    4  cmask
 *    520    4  info
 *    524    4  msbits
 *    528    4  rate_num
 *    532    4  rate_den
 *    536    8  fifo_size       snd_pcm_uframes_t
 *    544   64  reserved
 *    608       sizeof(struct snd_pcm_hw_params)
 * </pre>
 */
public final class HwParamsLayout {

    public static final long SIZE = 608;
    public static final long FLAGS = 0;
    public static final long MASKS = 4;
    public static final long MASK_SIZE = 32;
    public static final long INTERVALS = 260;
    public static final long INTERVAL_SIZE = 12;
    public static final long RMASK = 512;
    public static final long CMASK = 516;
    public static final long INFO = 520;
    public static final long MSBITS = 524;
    public static final long RATE_NUM = 528;
    public static final long RATE_DEN = 532;
    public static final long FIFO_SIZE = 536;

    private static final int OPENMIN = 1;
    private static final int OPENMAX = 2;
    private static final int INTEGER = 4;
    private static final int EMPTY = 8;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private HwParamsLayout() {
    }

    /** Reads a space from {@code s} at offset 0; EINVAL-free: any bytes make some space. */
    public static HwSpace read(MemorySegment s) {
        checkSize(s);
        long[] masks = new long[HwParam.MASKS];
        for (int k = 0; k < masks.length; k++) {
            long at = MASKS + k * MASK_SIZE;
            masks[k] = Integer.toUnsignedLong(s.get(U32, at)) | (long) s.get(U32, at + 4) << 32;
        }
        Interval[] intervals = new Interval[HwParam.INTERVALS];
        for (int k = 0; k < intervals.length; k++) {
            long at = INTERVALS + k * INTERVAL_SIZE;
            int bits = s.get(U32, at + 8);
            intervals[k] = new Interval(Integer.toUnsignedLong(s.get(U32, at)),
                    Integer.toUnsignedLong(s.get(U32, at + 4)), (bits & OPENMIN) != 0, (bits & OPENMAX) != 0,
                    (bits & INTEGER) != 0, (bits & EMPTY) != 0);
        }
        return HwSpace.of(masks, intervals, s.get(U32, FLAGS), s.get(U32, RMASK), s.get(U32, CMASK),
                s.get(U32, INFO), s.get(U32, MSBITS), s.get(U32, RATE_NUM), s.get(U32, RATE_DEN),
                s.get(U64, FIFO_SIZE));
    }

    /** Writes {@code space} into {@code s} at offset 0, all 608 bytes (reserved ones as 0). */
    public static void write(HwSpace space, MemorySegment s) {
        checkSize(s);
        s.asSlice(0, SIZE).fill((byte) 0);
        s.set(U32, FLAGS, space.flags());
        for (HwParam p : HwParam.values()) {
            if (p.isMask()) {
                long at = MASKS + p.slot() * MASK_SIZE;
                long m = space.mask(p);
                s.set(U32, at, (int) m);
                s.set(U32, at + 4, (int) (m >>> 32));
            } else {
                long at = INTERVALS + p.slot() * INTERVAL_SIZE;
                Interval i = space.interval(p);
                s.set(U32, at, (int) i.min());
                s.set(U32, at + 4, (int) i.max());
                s.set(U32, at + 8, (i.openMin() ? OPENMIN : 0) | (i.openMax() ? OPENMAX : 0)
                        | (i.integer() ? INTEGER : 0) | (i.empty() ? EMPTY : 0));
            }
        }
        s.set(U32, RMASK, space.rmask());
        s.set(U32, CMASK, space.cmask());
        s.set(U32, INFO, space.info());
        s.set(U32, MSBITS, space.msbits());
        s.set(U32, RATE_NUM, space.rateNum());
        s.set(U32, RATE_DEN, space.rateDen());
        s.set(U64, FIFO_SIZE, space.fifoSize());
    }

    private static void checkSize(MemorySegment s) {
        if (s.byteSize() < SIZE) {
            throw new IllegalArgumentException(
                    "struct snd_pcm_hw_params takes " + SIZE + " bytes, the segment has " + s.byteSize());
        }
    }
}
