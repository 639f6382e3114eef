package pcmshare.core.api.clock;

/**
 * The re-armable timer of a clock that only has one-shot timers: each arming
 * cancels the one-shot timer of the previous arming and schedules a new one.
 */
final class OneShotTimer implements Clock.Timer {
    private final Clock clock;
    private final Runnable task;
    private Clock.Timer armed;

    OneShotTimer(Clock clock, Runnable task) {
        this.clock = clock;
        this.task = task;
    }

    @Override
    public synchronized void schedule(long deadlineNanos) {
        if (armed != null) {
            armed.cancel();
        }
        Clock.Timer[] self = new Clock.Timer[1];
        Runnable run = () -> {
            synchronized (this) {
                // a run of an arming that was replaced meanwhile is not this timer's to make
                if (armed != self[0]) {
                    return;
                }
                armed = null;
            }
            task.run();
        };
        armed = clock.schedule(deadlineNanos, run);
        self[0] = armed;
    }

    @Override
    public synchronized boolean cancel() {
        Clock.Timer t = armed;
        armed = null;
        return t != null && t.cancel();
    }

    @Override
    public String toString() {
        return "Timer[" + task + " on " + clock + "]";
    }
}
