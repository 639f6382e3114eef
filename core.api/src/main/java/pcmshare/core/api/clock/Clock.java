package pcmshare.core.api.clock;

/**
 * A monotonic time source in nanoseconds, with one-shot timers on its own
 * timeline.
 *
 * <p>Every piece of pcmshare that needs time (trigger timestamps, drain and
 * transfer timeouts, drivers pacing their periods) asks a {@code Clock}, never
 * {@link System#nanoTime()} directly, so that a {@link ManualClock} can run the
 * whole system deterministically.
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
     * A view of this clock that runs {@code ppm} parts per million fast (negative:
     * slow), agreeing with this clock at the moment of the call.
     *
     * @param ppm the skew, greater than -1,000,000
     */
    default Clock skewed(long ppm) {
        return ppm == 0 ? this : new SkewedClock(this, ppm);
    }

    /** The monotonic high-resolution clock of this JVM. */
    static Clock monotonic() {
        return MonotonicClock.INSTANCE;
    }

    /** A scheduled one-shot task. */
    interface Timer {
        /** Cancels the task; true if it had not run yet (it then never runs). */
        boolean cancel();
    }
}
