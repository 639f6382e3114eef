package pcmshare.core.api.clock;

/**
 * A monotonic time source in nanoseconds, with timers on its own timeline.
 *
 * <p>Every piece of pcmshare that needs time (trigger timestamps, drain and
 * transfer timeouts, drivers pacing their periods) asks a {@code Clock}, never
 * {@link System#nanoTime()} directly, so that a {@link ManualClock} can run the
 * whole system deterministically.
 *
 * <p>A driver pacing periods makes one {@link #newTimer re-armable timer} per
 * card and re-arms it every period: pcmshare's clocks then allocate nothing per
 * period, where {@link #schedule(long, Runnable)} makes a new timer each time.
 */
public interface Clock {

    /** The current time in nanoseconds; only differences are meaningful. Never decreases. */
    long nanoTime();

    /**
     * Runs {@code task} once, as soon as this clock reads {@code deadlineNanos} or
     * later. A deadline already passed runs the task soon (never on the calling
     * thread's stack for a real clock; on the next {@link ManualClock#advance} for a
     * manual clock). The task must not block.
     *
     * @return a handle to cancel the timer
     */
    Timer schedule(long deadlineNanos, Runnable task);

    /**
     * A timer for {@code task}, not armed: {@link Timer#schedule(long)} arms it,
     * any number of times, from any thread, including from within {@code task}.
     * The task runs once per arming, as {@link #schedule(long, Runnable)} would
     * run it; two runs of one timer never overlap on a real clock. pcmshare's
     * clocks allocate nothing when such a timer is armed, fires or is cancelled.
     *
     * <p>The default, for a clock that only has one-shot timers, schedules a
     * one-shot timer per arming.
     */
    default Timer newTimer(Runnable task) {
        return new OneShotTimer(this, task);
    }

    /**
     * A view of this clock that runs {@code ppm} parts per million fast (negative:
     * slow), agreeing with this clock at the moment of the call.
     *
     * @param ppm the skew, in (-1,000,000, 1,000,000)
     */
    default Clock skewed(long ppm) {
        return ppm == 0 ? this : new SkewedClock(this, ppm);
    }

    /** The monotonic high-resolution clock of this JVM. */
    static Clock monotonic() {
        return MonotonicClock.INSTANCE;
    }

    /**
     * A task on the clock's timeline. A timer made by {@link #schedule(long, Runnable)}
     * is armed once; one made by {@link #newTimer(Runnable)} is armed by
     * {@link #schedule(long)} as often as wanted.
     */
    interface Timer {
        /**
         * Disarms the timer; true if it was armed and had not run for that arming
         * (it then does not run for it). A task already running finishes.
         */
        boolean cancel();

        /**
         * Arms the timer to run its task once, as soon as the clock reads
         * {@code deadlineNanos} or later, replacing the deadline it was armed for,
         * if any. Called from within the task, it arms the next run. A deadline
         * already passed runs the task soon, as for {@link Clock#schedule(long, Runnable)}.
         *
         * @throws UnsupportedOperationException for a one-shot timer of a clock
         *                                       that cannot re-arm it
         */
        default void schedule(long deadlineNanos) {
            throw new UnsupportedOperationException("a one-shot timer of this clock cannot be re-armed: " + this);
        }
    }
}
