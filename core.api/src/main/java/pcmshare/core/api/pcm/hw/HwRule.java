package pcmshare.core.api.pcm.hw;

import java.util.List;
import java.util.Objects;

/**
 * A relation between parameters that a driver adds to its substream's
 * refinement, as the kernel's {@code snd_pcm_hw_rule_add}: the refinement
 * runs {@link #function()} whenever one of {@link #deps()} changed since the
 * rule last ran, until no rule changes anything. The function narrows
 * {@link #var()} (or nothing, when var is null) and answers whether it did.
 * A rule with a non-zero {@link #cond()} runs only when the application's
 * flags have one of its bits (e.g. SNDRV_PCM_HW_PARAMS_NORESAMPLE).
 *
 * <p>A rule may read driver state (aloop reads the other end of a cable),
 * but must not block and must not call into the substream: it runs inside
 * the substream's hw_refine.
 */
public record HwRule(HwParam var, List<HwParam> deps, Function function, int cond) {

    /** What a rule does: narrow the space, and answer whether it changed {@link HwRule#var()}. */
    @FunctionalInterface
    public interface Function {
        boolean apply(HwRuleParams params);
    }

    public HwRule {
        deps = List.copyOf(deps);
        Objects.requireNonNull(function, "function");
        if (deps.isEmpty()) {
            throw new IllegalArgumentException("a rule depends on at least one parameter");
        }
    }

    /** A rule narrowing {@code var} from {@code deps}. */
    public static HwRule of(HwParam var, Function function, HwParam... deps) {
        return new HwRule(var, List.of(deps), function, 0);
    }

    /** snd_pcm_hw_constraint_list: the parameter takes only these values. */
    public static HwRule list(HwParam var, long... values) {
        long[] copy = values.clone();
        return of(var, p -> p.refineList(var, copy), var);
    }

    /** snd_pcm_hw_constraint_ranges: the parameter lies in one of these ranges. */
    public static HwRule ranges(HwParam var, Interval... ranges) {
        Interval[] copy = ranges.clone();
        return of(var, p -> p.refineRanges(var, copy), var);
    }

    /** snd_pcm_hw_constraint_ratnums: the parameter (a rate) is one these clocks can make by division. */
    public static HwRule ratnums(HwParam var, Ratnum... rats) {
        Ratnum[] copy = rats.clone();
        return of(var, p -> p.refineRatnum(var, copy), var);
    }

    /** snd_pcm_hw_constraint_step: the parameter is a multiple of {@code step}. */
    public static HwRule step(HwParam var, long step) {
        if (step <= 0 || step > Interval.UINT_MAX) {
            throw new IllegalArgumentException("step " + step + " is not in [1, UINT_MAX]");
        }
        return of(var, p -> p.refineStep(var, step), var);
    }

    /** snd_pcm_hw_constraint_pow2: the parameter is a power of two. */
    public static HwRule pow2(HwParam var) {
        long[] pow2 = new long[31];
        for (int k = 0; k < pow2.length; k++) {
            pow2[k] = 1L << k;
        }
        return list(var, pow2);
    }
}
