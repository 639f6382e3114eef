package pcmshare.driver.dummy;

/**
 * Where a running substream is, as a pure function of its card's clock: the
 * frames processed between a start time and now, and the earliest time a
 * number of frames is reached. Both are computed from the start every time, so
 * no rounding accumulates however many ticks go by; the arithmetic is exact in
 * 64 bits for any time a clock can read.
 */
sealed interface Pacing {
    long NANOS_PER_SECOND = 1_000_000_000L;

    /** Frames processed from {@code startNanos} to {@code nowNanos} (0 when now is not later). */
    long frames(long startNanos, long nowNanos);

    /** The earliest time at which {@link #frames} from {@code startNanos} reaches {@code frames}. */
    long deadline(long startNanos, long frames);

    /** Frames one timer tick accounts for at most (a period for the high-resolution timer). */
    long framesPerTick(long periodSize);

    static Pacing of(TimerMode mode, int rate, int systickHz) {
        return switch (mode) {
            case HRTIMER -> new HighResolution(rate);
            case SYSTICK -> new SystemTick(rate, systickHz);
        };
    }

    /** snd-dummy's hrtimer pointer: elapsed time times the rate, to the frame. */
    record HighResolution(int rate) implements Pacing {
        @Override
        public long frames(long startNanos, long nowNanos) {
            long e = nowNanos - startNanos;
            if (e <= 0) {
                return 0;
            }
            return e / NANOS_PER_SECOND * rate + e % NANOS_PER_SECOND * rate / NANOS_PER_SECOND;
        }

        @Override
        public long deadline(long startNanos, long frames) {
            return startNanos + frames / rate * NANOS_PER_SECOND + ceilDiv(frames % rate * NANOS_PER_SECOND, rate);
        }

        @Override
        public long framesPerTick(long periodSize) {
            return periodSize;
        }
    }

    /**
     * snd-dummy's system timer: a tick every 1/hz s on one grid for the whole
     * clock (tick j falls at ceil(j / hz) s), the position moving by
     * floor(ticks x rate / hz) frames counted from the tick at or before the start.
     */
    record SystemTick(int rate, int hz) implements Pacing {
        @Override
        public long frames(long startNanos, long nowNanos) {
            long ticks = tick(nowNanos) - tick(startNanos);
            if (ticks <= 0) {
                return 0;
            }
            return ticks / hz * rate + ticks % hz * rate / hz;
        }

        @Override
        public long deadline(long startNanos, long frames) {
            long ticks = frames / rate * hz + ceilDiv(frames % rate * hz, rate);
            return tickTime(tick(startNanos) + ticks);
        }

        @Override
        public long framesPerTick(long periodSize) {
            return ceilDiv(rate, hz);
        }

        /** The index of the last tick at or before {@code t}: floor(t x hz / 1e9). */
        long tick(long t) {
            return Math.floorDiv(t, NANOS_PER_SECOND) * hz + Math.floorMod(t, NANOS_PER_SECOND) * hz / NANOS_PER_SECOND;
        }

        /** When tick {@code j} falls: ceil(j x 1e9 / hz). */
        long tickTime(long j) {
            return Math.floorDiv(j, hz) * NANOS_PER_SECOND + ceilDiv(Math.floorMod(j, hz) * NANOS_PER_SECOND, hz);
        }
    }

    private static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }
}
