package pcmshare.core.api.clock;

/**
 * A view of a base clock running {@code ppm} parts per million fast or slow,
 * like a sound card's crystal. Both clocks read the same at the moment the view
 * is made; after that the view gains (or loses) {@code ppm} ns per ms.
 */
public final class SkewedClock implements Clock {
    private static final long MILLION = 1_000_000L;

    private final Clock base;
    private final long ppm;
    private final long origin;

    /**
     * @param base the clock to follow
     * @param ppm  the skew, in (-1,000,000, 1,000,000)
     */
    public SkewedClock(Clock base, long ppm) {
        if (ppm <= -MILLION || ppm >= MILLION) {
            // beyond these the clock stops, runs backwards, or overflows its arithmetic
            throw new IllegalArgumentException("skew must be in (-1000000, 1000000) ppm: " + ppm);
        }
        this.base = base;
        this.ppm = ppm;
        this.origin = base.nanoTime();
    }

    /** The skew in parts per million. */
    public long ppm() {
        return ppm;
    }

    /** The clock this view follows. */
    public Clock base() {
        return base;
    }

    @Override
    public long nanoTime() {
        long elapsed = base.nanoTime() - origin;
        // split so that elapsed * ppm never overflows
        return origin + elapsed + elapsed / MILLION * ppm + elapsed % MILLION * ppm / MILLION;
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable task) {
        // not the base clock's timer itself: re-armed, it would take deadlines on the base timeline
        Timer t = newTimer(task);
        t.schedule(deadlineNanos);
        return t;
    }

    /** A timer of the base clock, armed for each deadline converted to the base clock's timeline. */
    @Override
    public Timer newTimer(Runnable task) {
        Timer onBase = base.newTimer(task);
        return new Timer() {
            @Override
            public void schedule(long deadlineNanos) {
                onBase.schedule(toBase(deadlineNanos));
            }

            @Override
            public boolean cancel() {
                return onBase.cancel();
            }

            @Override
            public String toString() {
                return "Timer[" + task + " on " + SkewedClock.this + "]";
            }
        };
    }

    /**
     * The base-clock reading at which this clock reads {@code deadlineNanos},
     * rounded up: never early. A deadline the base clock cannot reach (near
     * Long.MAX_VALUE, or far off on a slow clock: at -999999 ppm a skewed
     * nanosecond is a base millisecond) saturates at Long.MAX_VALUE instead of
     * wrapping into the past. Allocates nothing.
     */
    private long toBase(long deadlineNanos) {
        long skewedElapsed = deadlineNanos - origin;
        if (deadlineNanos < 0 && origin > 0 && skewedElapsed > 0) {
            return Long.MIN_VALUE; // wrapped: a deadline long past
        }
        long rate = MILLION + ppm;
        long whole = skewedElapsed / rate;
        long part = ceilDiv(skewedElapsed % rate * MILLION, rate);
        if (whole > (Long.MAX_VALUE - MILLION) / MILLION) {
            return Long.MAX_VALUE;
        }
        if (whole < (Long.MIN_VALUE + MILLION) / MILLION) {
            return Long.MIN_VALUE;
        }
        long baseElapsed = whole * MILLION + part;
        if (baseElapsed > 0 && origin > Long.MAX_VALUE - baseElapsed) {
            return Long.MAX_VALUE;
        }
        if (baseElapsed < 0 && origin < Long.MIN_VALUE - baseElapsed) {
            return Long.MIN_VALUE;
        }
        return origin + baseElapsed;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public Clock skewed(long more) {
        return more == 0 ? this : new SkewedClock(this, more);
    }

    @Override
    public String toString() {
        return "SkewedClock[" + (ppm >= 0 ? "+" : "") + ppm + " ppm of " + base + "]";
    }
}
