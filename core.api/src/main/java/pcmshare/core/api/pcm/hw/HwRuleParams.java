package pcmshare.core.api.pcm.hw;

import pcmshare.core.api.errno.ErrnoException;

/**
 * The space a refinement is narrowing, as a {@link HwRule} sees it (the
 * kernel passes a rule its {@code struct snd_pcm_hw_params}). Each
 * {@code refine} answers whether it narrowed the parameter, and throws an
 * {@link pcmshare.core.api.errno.ErrnoException} EINVAL naming the parameter
 * when nothing would be left, which ends the refinement.
 */
public interface HwRuleParams {

    Interval interval(HwParam p);

    long mask(HwParam p);

    /** snd_interval_refine: intersect the parameter with {@code v}. */
    boolean refine(HwParam p, Interval v);

    /** snd_mask_refine: keep only the values in {@code bits}. */
    boolean refineMask(HwParam p, long bits);

    /** snd_interval_list: narrow to the listed values inside the interval (its smallest and largest). */
    boolean refineList(HwParam p, long... values);

    /** snd_interval_ranges: narrow to the union of the ranges that meet the interval. */
    boolean refineRanges(HwParam p, Interval... ranges);

    /**
     * snd_interval_ratnum: narrow to the rates {@code rats} can make; once one
     * rate is left and {@code p} is RATE, its exact fraction is reported in
     * rate_num/rate_den.
     */
    boolean refineRatnum(HwParam p, Ratnum... rats);

    /** snd_interval_step: only multiples of {@code step}. */
    boolean refineStep(HwParam p, long step);

    /** Report the significant bits of a sample (params->msbits), as snd_pcm_hw_constraint_msbits does. */
    void msbits(int bits);

    /** Report the exact rate as num/den (params->rate_num, rate_den), as the ratnum rules do. */
    void rate(int num, int den);

    /** The configuration flags the application gave (SNDRV_PCM_HW_PARAMS_*). */
    int flags();

    /**
     * An EINVAL of this refinement's operation (hw_refine, or hw_params when
     * exact parameters are checked) naming {@code p}: for a rule to throw when
     * it leaves nothing and can say why better than "became empty".
     */
    ErrnoException refused(HwParam p, Object value, String detail);
}
