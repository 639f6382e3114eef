package pcmshare.core.api.pcm.hw;

/**
 * The parameters of a hardware-parameter space, numbered as ALSA's
 * {@code SNDRV_PCM_HW_PARAM_*}: the first three are masks, the others
 * intervals. The number is also the parameter's bit in {@code rmask} and
 * {@code cmask}.
 */
public enum HwParam {
    ACCESS(0),
    FORMAT(1),
    SUBFORMAT(2),
    SAMPLE_BITS(8),
    FRAME_BITS(9),
    CHANNELS(10),
    RATE(11),
    PERIOD_TIME(12),
    PERIOD_SIZE(13),
    PERIOD_BYTES(14),
    PERIODS(15),
    BUFFER_TIME(16),
    BUFFER_SIZE(17),
    BUFFER_BYTES(18),
    TICK_TIME(19);

    /** SNDRV_PCM_HW_PARAM_FIRST_INTERVAL. */
    public static final int FIRST_INTERVAL = 8;
    /** Masks in the space (ACCESS, FORMAT, SUBFORMAT). */
    public static final int MASKS = 3;
    /** Intervals in the space (SAMPLE_BITS to TICK_TIME). */
    public static final int INTERVALS = 12;

    private static final HwParam[] BY_NUMBER = new HwParam[TICK_TIME.number + 1];

    static {
        for (HwParam p : values()) {
            BY_NUMBER[p.number] = p;
        }
    }

    private final int number;

    HwParam(int number) {
        this.number = number;
    }

    /** SNDRV_PCM_HW_PARAM_* value. */
    public int number() {
        return number;
    }

    /** This parameter's bit in rmask and cmask. */
    public int bit() {
        return 1 << number;
    }

    public boolean isMask() {
        return number < FIRST_INTERVAL;
    }

    /** Position among the masks, or among the intervals. */
    public int slot() {
        return isMask() ? number : number - FIRST_INTERVAL;
    }

    /** The parameter with this SNDRV_PCM_HW_PARAM_* number, or null. */
    public static HwParam ofNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** The interval parameter at this position (0 = SAMPLE_BITS). */
    public static HwParam interval(int slot) {
        return BY_NUMBER[FIRST_INTERVAL + slot];
    }
}
