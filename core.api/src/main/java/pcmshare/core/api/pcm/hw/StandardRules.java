package pcmshare.core.api.pcm.hw;

import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_BYTES;
import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_SIZE;
import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_TIME;
import static pcmshare.core.api.pcm.hw.HwParam.CHANNELS;
import static pcmshare.core.api.pcm.hw.HwParam.FORMAT;
import static pcmshare.core.api.pcm.hw.HwParam.FRAME_BITS;
import static pcmshare.core.api.pcm.hw.HwParam.PERIODS;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_BYTES;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_SIZE;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_TIME;
import static pcmshare.core.api.pcm.hw.HwParam.RATE;
import static pcmshare.core.api.pcm.hw.HwParam.SAMPLE_BITS;

import java.util.List;

/**
 * The rules every substream starts with, in the order of the kernel's
 * snd_pcm_hw_constraints_init ({@code sound/core/pcm_native.c}): how format,
 * sample bits, frame bits and channels relate, and sizes, bytes and times
 * through the rate. alsa-lib's refine_rules ({@code src/pcm/pcm_params.c})
 * are the same relations in the same order.
 */
final class StandardRules {
    /** SNDRV_PCM_FORMAT_LAST. */
    private static final int FORMAT_LAST = 52;

    private StandardRules() {
    }

    static final List<HwRule> RULES = List.of(
            HwRule.of(FORMAT, StandardRules::format, SAMPLE_BITS),
            HwRule.of(SAMPLE_BITS, StandardRules::sampleBits, FORMAT, SAMPLE_BITS),
            div(SAMPLE_BITS, FRAME_BITS, CHANNELS),
            mul(FRAME_BITS, SAMPLE_BITS, CHANNELS),
            mulkdiv(FRAME_BITS, PERIOD_BYTES, 8, PERIOD_SIZE),
            mulkdiv(FRAME_BITS, BUFFER_BYTES, 8, BUFFER_SIZE),
            div(CHANNELS, FRAME_BITS, SAMPLE_BITS),
            mulkdiv(RATE, PERIOD_SIZE, 1_000_000, PERIOD_TIME),
            mulkdiv(RATE, BUFFER_SIZE, 1_000_000, BUFFER_TIME),
            div(PERIODS, BUFFER_SIZE, PERIOD_SIZE),
            div(PERIOD_SIZE, BUFFER_SIZE, PERIODS),
            mulkdiv(PERIOD_SIZE, PERIOD_BYTES, 8, FRAME_BITS),
            muldivk(PERIOD_SIZE, PERIOD_TIME, RATE, 1_000_000),
            mul(BUFFER_SIZE, PERIOD_SIZE, PERIODS),
            mulkdiv(BUFFER_SIZE, BUFFER_BYTES, 8, FRAME_BITS),
            muldivk(BUFFER_SIZE, BUFFER_TIME, RATE, 1_000_000),
            muldivk(PERIOD_BYTES, PERIOD_SIZE, FRAME_BITS, 8),
            muldivk(BUFFER_BYTES, BUFFER_SIZE, FRAME_BITS, 8),
            mulkdiv(PERIOD_TIME, PERIOD_SIZE, 1_000_000, RATE),
            mulkdiv(BUFFER_TIME, BUFFER_SIZE, 1_000_000, RATE));

    private static HwRule mul(HwParam var, HwParam a, HwParam b) {
        return HwRule.of(var, p -> p.refine(var, Interval.mul(p.interval(a), p.interval(b))), a, b);
    }

    private static HwRule div(HwParam var, HwParam a, HwParam b) {
        return HwRule.of(var, p -> p.refine(var, Interval.div(p.interval(a), p.interval(b))), a, b);
    }

    private static HwRule muldivk(HwParam var, HwParam a, HwParam b, long k) {
        return HwRule.of(var, p -> p.refine(var, Interval.muldivk(p.interval(a), p.interval(b), k)), a, b);
    }

    private static HwRule mulkdiv(HwParam var, HwParam a, long k, HwParam b) {
        return HwRule.of(var, p -> p.refine(var, Interval.mulkdiv(p.interval(a), k, p.interval(b))), a, b);
    }

    /** snd_pcm_hw_rule_format: drop the formats whose physical width is outside SAMPLE_BITS (its bounds only). */
    private static boolean format(HwRuleParams p) {
        Interval bits = p.interval(SAMPLE_BITS);
        long formats = p.mask(FORMAT);
        long keep = -1L;
        for (int k = 0; k <= FORMAT_LAST; k++) {
            int width = physicalWidth(formats, k);
            if (width > 0 && (width < bits.min() || width > bits.max())) {
                keep &= ~(1L << k);
            }
        }
        return p.refineMask(FORMAT, keep);
    }

    /** snd_pcm_hw_rule_sample_bits: SAMPLE_BITS within the physical widths of the formats left. */
    private static boolean sampleBits(HwRuleParams p) {
        long formats = p.mask(FORMAT);
        long min = Interval.UINT_MAX;
        long max = 0;
        for (int k = 0; k <= FORMAT_LAST; k++) {
            int width = physicalWidth(formats, k);
            if (width > 0) {
                min = Math.min(min, width);
                max = Math.max(max, width);
            }
        }
        return p.refine(SAMPLE_BITS, new Interval(min, max, false, false, true, false));
    }

    private static int physicalWidth(long formats, int k) {
        if ((formats & (1L << k)) == 0) {
            return 0;
        }
        AlsaFormat f = AlsaFormat.ofNumber(k);
        return f == null ? 0 : f.physicalWidth();
    }
}
