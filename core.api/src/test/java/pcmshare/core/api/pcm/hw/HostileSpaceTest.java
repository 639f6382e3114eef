package pcmshare.core.api.pcm.hw;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A client in another process sends whatever 608 bytes it likes as a
 * HW_REFINE request: whatever they hold, the refinement answers a space or
 * EINVAL, and never anything else (no other exception, no hang).
 */
class HostileSpaceTest {

    @Test
    void hw_refine_of_arbitrary_bytes_answers_a_space_or_EINVAL() {
        HwRefiner r = HwRefiner.of(new HwConstraints(EnumSet.allOf(Access.class), EnumSet.allOf(SampleFormat.class),
                Range.of(8_000, 192_000), List.of(44_100, 48_000, 96_000), Range.of(1, 32), Range.of(16, 1 << 20),
                Range.of(2, 1024), Range.of(32, 1 << 22), EnumSet.of(PcmCapability.PAUSE)),
                List.of(HwRule.step(HwParam.PERIOD_SIZE, 16), HwRule.ratnums(HwParam.RATE, new Ratnum(12_288_000,
                        64, 4096, 64))));
        Random random = new Random(20261201);
        int answered = 0;
        int refused = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(HwParamsLayout.SIZE);
            for (int n = 0; n < 50_000; n++) {
                byte[] bytes = new byte[(int) HwParamsLayout.SIZE];
                random.nextBytes(bytes);
                if (n % 2 == 0) {
                    // half of them start from a sane space with a few random words, to get past the first checks
                    HwParamsLayout.write(HwSpace.any(), m);
                    for (int k = 0; k < 4; k++) {
                        m.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4 * random.nextInt(152),
                                random.nextInt());
                    }
                } else {
                    m.copyFrom(MemorySegment.ofArray(bytes));
                }
                try {
                    HwSpace s = r.refine(HwParamsLayout.read(m));
                    HwParamsLayout.write(s, m);
                    answered++;
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    refused++;
                }
            }
        }
        assertThat(answered).isPositive();
        assertThat(refused).isPositive();
    }
}
