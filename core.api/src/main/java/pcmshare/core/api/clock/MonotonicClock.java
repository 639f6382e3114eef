package pcmshare.core.api.clock;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link System#nanoTime()}, with timers run by one shared daemon thread that
 * is created on first use.
 */
public final class MonotonicClock implements Clock {
    static final MonotonicClock INSTANCE = new MonotonicClock();

    private MonotonicClock() {
    }

    /** The single instance (same as {@link Clock#monotonic()}). */
    public static MonotonicClock instance() {
        return INSTANCE;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable task) {
        long delay = Math.max(0, deadlineNanos - System.nanoTime());
        ScheduledFuture<?> f = TimerThread.EXECUTOR.schedule(task, delay, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public String toString() {
        return "MonotonicClock";
    }

    /** Holder idiom: the thread exists only once somebody schedules. */
    private static final class TimerThread {
        static final ScheduledThreadPoolExecutor EXECUTOR;

        static {
            EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "pcmshare-clock");
                t.setDaemon(true);
                return t;
            });
            EXECUTOR.setRemoveOnCancelPolicy(true);
        }
    }
}
