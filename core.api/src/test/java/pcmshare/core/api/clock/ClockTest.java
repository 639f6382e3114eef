package pcmshare.core.api.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ClockTest {

    @Test
    void manualClock_runsDueTimersInDeadlineOrder_readingTheirDeadline() {
        ManualClock c = new ManualClock(100);
        List<String> log = new ArrayList<>();
        c.schedule(300, () -> log.add("b@" + c.nanoTime()));
        c.schedule(200, () -> log.add("a@" + c.nanoTime()));
        c.schedule(300, () -> log.add("c@" + c.nanoTime()));
        Clock.Timer late = c.schedule(1000, () -> log.add("late"));
        c.advance(250);
        assertThat(log).containsExactly("a@200", "b@300", "c@300");
        assertThat(c.nanoTime()).isEqualTo(350);
        assertThat(late.cancel()).isTrue();
        c.advance(10_000);
        assertThat(log).hasSize(3);
        assertThat(c.pendingTimers()).isZero();
    }

    @Test
    void manualClock_timersScheduledByTimersWithinTheIntervalAlsoRun() {
        ManualClock c = new ManualClock();
        List<Long> ticks = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ticks.add(c.nanoTime());
            c.schedule(c.nanoTime() + 10, tick[0]);
        };
        c.schedule(10, tick[0]);
        c.advance(35);
        assertThat(ticks).containsExactly(10L, 20L, 30L);
        assertThat(c.nextDeadline()).isEqualTo(40);
    }

    @Test
    void manualClock_cannotGoBack() {
        ManualClock c = new ManualClock(5);
        assertThatThrownBy(() -> c.advance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.advanceTo(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skewedClock_runsPpmFast_andFiresTimersOnItsOwnTimeline() {
        ManualClock base = new ManualClock(1_000);
        Clock fast = base.skewed(100);
        Clock slow = base.skewed(-100);
        base.advance(1_000_000_000L);
        assertThat(fast.nanoTime() - 1_000).isEqualTo(1_000_100_000L);
        assertThat(slow.nanoTime() - 1_000).isEqualTo(999_900_000L);
        long[] firedAt = new long[1];
        long deadline = fast.nanoTime() + 1_000_100L;
        fast.schedule(deadline, () -> firedAt[0] = fast.nanoTime());
        base.advance(999_999);
        assertThat(firedAt[0]).isZero();
        base.advance(1);
        assertThat(firedAt[0]).isGreaterThanOrEqualTo(deadline).isLessThan(deadline + 2);
    }

    @Test
    void monotonicClock_timersFire() throws InterruptedException {
        Clock c = Clock.monotonic();
        CountDownLatch fired = new CountDownLatch(1);
        long t0 = c.nanoTime();
        c.schedule(t0 + 1_000_000, fired::countDown);
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.nanoTime()).isGreaterThanOrEqualTo(t0 + 1_000_000);
    }
}
