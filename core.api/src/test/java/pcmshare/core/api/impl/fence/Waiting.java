package pcmshare.core.api.impl.fence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

/** Helpers for tests that need a thread to be parked before they go on. */
final class Waiting {
    private Waiting() {
    }

    /** Returns once {@code t} is parked (or has ended), failing after a deadline. */
    static void untilParked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.TERMINATED) {
                return;
            }
            assertThat(System.nanoTime()).as("thread %s never parked", t.getName()).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
