package pcmshare.driver.dummy;

/** How a dummy card paces its substreams, as snd-dummy's {@code hrtimer} parameter. */
public enum TimerMode {
    /**
     * A high-resolution timer: one tick per period, and a position computed from
     * the elapsed time times the rate, to the frame.
     */
    HRTIMER,
    /**
     * The system tick (jiffies): the position moves only on a coarse periodic
     * tick of {@code systickHz}, by the frames that tick accounts for, and a
     * period is reported on the first tick at or after it completes.
     */
    SYSTICK
}
