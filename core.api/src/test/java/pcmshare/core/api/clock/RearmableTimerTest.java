package pcmshare.core.api.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Timers made once by {@link Clock#newTimer} and re-armed by {@link Clock.Timer#schedule(long)}. */
class RearmableTimerTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private static com.sun.management.ThreadMXBean threads() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(bean.isThreadAllocatedMemorySupported()).isTrue();
        bean.setThreadAllocatedMemoryEnabled(true);
        return bean;
    }

    @Nested
    class Manual {

        @Test
        void newTimer_isNotArmedUntilScheduled() {
            ManualClock c = new ManualClock();
            AtomicInteger runs = new AtomicInteger();
            Clock.Timer t = c.newTimer(runs::incrementAndGet);
            c.advance(HOUR);
            assertThat(runs).hasValue(0);
            assertThat(c.pendingTimers()).isZero();
            assertThat(t.cancel()).isFalse();
        }

        @Test
        void rearmFromWithinTheTask_runsOncePerArming_readingEachDeadline() {
            ManualClock c = new ManualClock(100);
            List<Long> ticks = new ArrayList<>();
            Clock.Timer[] t = new Clock.Timer[1];
            t[0] = c.newTimer(() -> {
                ticks.add(c.nanoTime());
                t[0].schedule(c.nanoTime() + 10);
            });
            t[0].schedule(110);
            c.advance(35);
            assertThat(ticks).containsExactly(110L, 120L, 130L);
            assertThat(c.pendingTimers()).isOne();
            assertThat(c.nextDeadline()).isEqualTo(140);
        }

        @Test
        void cancelThenRearm_runsOnlyForTheNewArming() {
            ManualClock c = new ManualClock();
            List<Long> ticks = new ArrayList<>();
            Clock.Timer t = c.newTimer(() -> ticks.add(c.nanoTime()));
            t.schedule(10);
            assertThat(t.cancel()).isTrue();
            assertThat(t.cancel()).isFalse();
            c.advance(20);
            assertThat(ticks).isEmpty();
            t.schedule(30);
            c.advance(20);
            assertThat(ticks).containsExactly(30L);
            assertThat(t.cancel()).as("fired: no longer armed").isFalse();
        }

        @Test
        void rearmToAnEarlierDeadline_movesIt_andRunsOnce() {
            ManualClock c = new ManualClock();
            List<Long> ticks = new ArrayList<>();
            Clock.Timer t = c.newTimer(() -> ticks.add(c.nanoTime()));
            t.schedule(1000);
            t.schedule(50);
            assertThat(c.pendingTimers()).isOne();
            c.advance(2000);
            assertThat(ticks).containsExactly(50L);
        }

        @Test
        void rearmToALaterDeadline_movesIt() {
            ManualClock c = new ManualClock();
            List<Long> ticks = new ArrayList<>();
            Clock.Timer t = c.newTimer(() -> ticks.add(c.nanoTime()));
            t.schedule(50);
            t.schedule(1000);
            c.advance(999);
            assertThat(ticks).isEmpty();
            c.advance(1);
            assertThat(ticks).containsExactly(1000L);
        }

        @Test
        void deadlineAlreadyPassed_runsOnTheNextAdvance_notOnTheCallersStack() {
            ManualClock c = new ManualClock(500);
            AtomicInteger runs = new AtomicInteger();
            Clock.Timer t = c.newTimer(runs::incrementAndGet);
            t.schedule(100);
            assertThat(runs).hasValue(0);
            c.runDue();
            assertThat(runs).hasValue(1);
            assertThat(c.nanoTime()).as("a passed deadline does not move time back").isEqualTo(500);
        }

        @Test
        void manyTimers_runInDeadlineOrder_sameDeadlineInArmingOrder() {
            ManualClock c = new ManualClock();
            Random random = new Random(7);
            int n = 300;
            List<long[]> fired = new ArrayList<>();
            List<long[]> expected = new ArrayList<>();
            Clock.Timer[] timers = new Clock.Timer[n];
            for (int i = 0; i < n; i++) {
                int id = i;
                timers[i] = c.newTimer(() -> fired.add(new long[] { c.nanoTime(), id }));
            }
            // arm all, then re-arm a random half (earlier or later), cancel some: the heap is churned
            long[] deadline = new long[n];
            for (int i = 0; i < n; i++) {
                deadline[i] = 1 + random.nextInt(100);
                timers[i].schedule(deadline[i]);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            List<Integer> armingOrder = new ArrayList<>(order);
            boolean[] cancelled = new boolean[n];
            for (int k = 0; k < n / 2; k++) {
                int i = order.get(k);
                if (k % 10 == 0) {
                    assertThat(timers[i].cancel()).isTrue();
                    cancelled[i] = true;
                } else {
                    deadline[i] = 1 + random.nextInt(100);
                    timers[i].schedule(deadline[i]);
                }
            }
            // arming order: the untouched half in index order, then the re-armed ones in the order re-armed
            List<Integer> rank = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!armingOrder.subList(0, n / 2).contains(i)) {
                    rank.add(i);
                }
            }
            rank.addAll(armingOrder.subList(0, n / 2));
            for (int i : rank) {
                if (!cancelled[i]) {
                    expected.add(new long[] { deadline[i], i });
                }
            }
            expected.sort((a, b) -> Long.compare(a[0], b[0]));
            c.advance(1000);
            assertThat(fired).hasSameSizeAs(expected);
            for (int k = 0; k < expected.size(); k++) {
                assertThat(fired.get(k)).as("firing %d", k).containsExactly(expected.get(k));
            }
            assertThat(c.pendingTimers()).isZero();
        }

        @Test
        void rearmAndFire_allocatesNothing() {
            var bean = threads();
            ManualClock c = new ManualClock();
            Clock.Timer[] t = new Clock.Timer[1];
            long[] runs = new long[1];
            t[0] = c.newTimer(() -> {
                runs[0]++;
                t[0].schedule(c.nanoTime() + 10);
            });
            Clock.Timer idle = c.newTimer(() -> {
            });
            int cycles = 100_000;
            // one-shot timers on a clock of their own, measured the same way: proves the measurement sees allocation
            ManualClock oneShot = new ManualClock();
            Runnable[] again = new Runnable[1];
            Clock.Timer[] last = new Clock.Timer[1];
            again[0] = () -> last[0] = oneShot.schedule(oneShot.nanoTime() + 10, again[0]);
            for (int round = 0; round < 2; round++) {
                // the first round warms up (class loading, the heap's growth, compilation); the second measures
                t[0].schedule(c.nanoTime() + 10);
                last[0] = oneShot.schedule(oneShot.nanoTime() + 10, again[0]);
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < cycles; i++) {
                    c.advance(10);
                    idle.schedule(c.nanoTime() + 5);
                    idle.cancel();
                }
                long rearmable = bean.getCurrentThreadAllocatedBytes() - before;
                before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < cycles; i++) {
                    oneShot.advance(10);
                }
                long oneShots = bean.getCurrentThreadAllocatedBytes() - before;
                t[0].cancel();
                last[0].cancel();
                if (round == 1) {
                    assertThat(oneShots).as("one-shot timers allocate per period").isGreaterThan(16L * cycles);
                    assertThat(rearmable).as("bytes for %d re-arm/fire/cancel cycles", cycles).isLessThan(cycles / 10);
                }
            }
            assertThat(runs[0]).isEqualTo(2L * cycles);
        }

        @Test
        void oneShotSchedule_canBeRearmedToo() {
            ManualClock c = new ManualClock();
            List<Long> ticks = new ArrayList<>();
            Clock.Timer t = c.schedule(10, () -> ticks.add(c.nanoTime()));
            c.advance(10);
            t.schedule(25);
            c.advance(20);
            assertThat(ticks).containsExactly(10L, 25L);
        }
    }

    @Nested
    class Skewed {

        @Test
        void skewedTimer_convertsEachDeadlineToTheBaseTimeline() {
            for (long ppm : new long[] { 100, -100, 250_000, -999_999 + 1 }) {
                ManualClock base = new ManualClock(1_000);
                base.advance(123_456_789);
                Clock skewed = base.skewed(ppm);
                base.advance(7_000_000);
                List<Long> firedAt = new ArrayList<>();
                long period = 1_000_003;
                long[] deadline = { skewed.nanoTime() + period };
                Clock.Timer[] t = new Clock.Timer[1];
                t[0] = skewed.newTimer(() -> {
                    firedAt.add(skewed.nanoTime());
                    deadline[0] += period;
                    t[0].schedule(deadline[0]);
                });
                t[0].schedule(deadline[0]);
                // the one-shot path converts the same deadline to the same base reading
                long first = deadline[0];
                ManualClock probeBase = new ManualClock(1_000);
                probeBase.advance(123_456_789);
                Clock probe = probeBase.skewed(ppm);
                probe.schedule(first, () -> {
                });
                probeBase.advance(7_000_000);
                assertThat(base.nextDeadline()).as("%d ppm", ppm).isEqualTo(probeBase.nextDeadline());

                for (int k = 1; k <= 50; k++) {
                    long want = first + (k - 1) * period;
                    base.advanceTo(base.nextDeadline() - 1);
                    assertThat(firedAt).as("%d ppm, period %d: not before its deadline", ppm, k).hasSize(k - 1);
                    base.advance(1);
                    assertThat(firedAt).hasSize(k);
                    // on time to within the rounding of the conversion, period after period: no drift
                    assertThat(firedAt.get(k - 1)).as("%d ppm, period %d", ppm, k).isGreaterThanOrEqualTo(want)
                            .isLessThan(want + 1 + Math.max(1, ppm / 1_000_000 + 1));
                }
                assertThat(t[0].cancel()).isTrue();
                assertThat(base.pendingTimers()).isZero();
            }
        }

        @Test
        void oneShotTimerOfASkewedClock_rearmsOnTheSkewedTimeline() {
            ManualClock base = new ManualClock();
            Clock skewed = base.skewed(250_000);
            List<Long> firedAt = new ArrayList<>();
            Clock.Timer t = skewed.schedule(1_000_000, () -> firedAt.add(skewed.nanoTime()));
            base.advance(800_000);
            assertThat(firedAt).containsExactly(1_000_000L);
            t.schedule(2_000_000);
            base.advance(799_999);
            assertThat(firedAt).hasSize(1);
            base.advance(1);
            assertThat(firedAt).containsExactly(1_000_000L, 2_000_000L);
        }

        @Test
        void skewedTimer_cancelThenRearm() {
            ManualClock base = new ManualClock();
            Clock skewed = base.skewed(500);
            AtomicInteger runs = new AtomicInteger();
            Clock.Timer t = skewed.newTimer(runs::incrementAndGet);
            t.schedule(skewed.nanoTime() + 1_000_000);
            assertThat(t.cancel()).isTrue();
            base.advance(HOUR);
            assertThat(runs).hasValue(0);
            t.schedule(skewed.nanoTime() + 1_000_000);
            base.advance(1_000_000);
            assertThat(runs).hasValue(1);
        }

        @Test
        void skewedTimer_onAManualBase_allocatesNothing() {
            var bean = threads();
            ManualClock base = new ManualClock();
            Clock skewed = base.skewed(-37);
            Clock.Timer[] t = new Clock.Timer[1];
            t[0] = skewed.newTimer(() -> t[0].schedule(skewed.nanoTime() + 1_000));
            int cycles = 100_000;
            long measured = 0;
            for (int round = 0; round < 2; round++) {
                t[0].schedule(skewed.nanoTime() + 1_000);
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < cycles; i++) {
                    base.advance(1_000);
                }
                measured = bean.getCurrentThreadAllocatedBytes() - before;
                t[0].cancel();
            }
            assertThat(measured).as("bytes for %d cycles", cycles).isLessThan(cycles / 10);
        }
    }

    /** A clock of somebody else's that has only one-shot timers: the default re-armable timer. */
    @Nested
    class Foreign {

        private final ManualClock inner = new ManualClock();
        private final Clock foreign = new Clock() {
            @Override
            public long nanoTime() {
                return inner.nanoTime();
            }

            @Override
            public Timer schedule(long deadlineNanos, Runnable task) {
                Timer t = inner.schedule(deadlineNanos, task);
                return t::cancel;
            }
        };

        @Test
        void defaultTimer_rearmFromWithinTheTask_andRearmToAnEarlierDeadline() {
            List<Long> ticks = new ArrayList<>();
            Clock.Timer[] t = new Clock.Timer[1];
            t[0] = foreign.newTimer(() -> {
                ticks.add(foreign.nanoTime());
                if (ticks.size() < 3) {
                    t[0].schedule(foreign.nanoTime() + 10);
                }
            });
            t[0].schedule(1000);
            t[0].schedule(10);
            inner.advance(5000);
            assertThat(ticks).containsExactly(10L, 20L, 30L);
            assertThat(t[0].cancel()).isFalse();
        }

        @Test
        void oneShotHandleOfAForeignClock_cannotBeRearmed() {
            Clock.Timer t = foreign.schedule(10, () -> {
            });
            assertThatThrownBy(() -> t.schedule(20)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Monotonic {
        private final Clock c = Clock.monotonic();

        /** Holds the clock's thread in a task until released, so that what is armed meanwhile is due together. */
        private CountDownLatch holdTheClockThread(CountDownLatch release) throws InterruptedException {
            CountDownLatch held = new CountDownLatch(1);
            c.schedule(c.nanoTime(), () -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            return release;
        }

        @Test
        void rearmFromWithinTheTask_firesOncePerArming_notBeforeItsDeadline() throws InterruptedException {
            int periods = 20;
            long period = 200_000;
            CountDownLatch done = new CountDownLatch(1);
            List<long[]> late = new CopyOnWriteArrayList<>();
            AtomicInteger runs = new AtomicInteger();
            long[] deadline = { c.nanoTime() + period };
            Clock.Timer[] t = new Clock.Timer[1];
            t[0] = c.newTimer(() -> {
                late.add(new long[] { c.nanoTime() - deadline[0] });
                if (runs.incrementAndGet() == periods) {
                    done.countDown();
                } else {
                    deadline[0] += period;
                    t[0].schedule(deadline[0]);
                }
            });
            t[0].schedule(deadline[0]);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runs).hasValue(periods);
            assertThat(late).allSatisfy(l -> assertThat(l[0]).isNotNegative());
            assertThat(t[0].cancel()).isFalse();
        }

        @Test
        void cancelThenRearm_runsOnlyForTheNewArming() throws InterruptedException {
            CountDownLatch fired = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            Clock.Timer t = c.newTimer(() -> {
                runs.incrementAndGet();
                fired.countDown();
            });
            t.schedule(c.nanoTime() + HOUR);
            assertThat(t.cancel()).isTrue();
            assertThat(t.cancel()).isFalse();
            t.schedule(c.nanoTime());
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            // a task armed after the first run would run after it: one more round trip shows none was left
            CountDownLatch after = new CountDownLatch(1);
            c.schedule(c.nanoTime(), after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runs).hasValue(1);
        }

        @Test
        void rearmToAnEarlierDeadline_wakesTheClockThread() throws InterruptedException {
            CountDownLatch fired = new CountDownLatch(1);
            Clock.Timer t = c.newTimer(fired::countDown);
            t.schedule(c.nanoTime() + HOUR);
            // the clock's thread now parks for an hour: re-arming earlier must wake it
            t.schedule(c.nanoTime() + 1_000_000);
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(t.cancel()).as("the hour-long arming was replaced, not added").isFalse();
        }

        @Test
        void deadlineAlreadyPassed_runsOnTheClockThread_notTheCallers() throws InterruptedException {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            Clock.Timer t = c.newTimer(() -> {
                ranOn.set(Thread.currentThread());
                fired.countDown();
            });
            t.schedule(c.nanoTime() - HOUR);
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
            assertThat(ranOn.get().getName()).isEqualTo("pcmshare-clock");
            assertThat(ranOn.get().isDaemon()).isTrue();
        }

        @Test
        void manyTimers_runInDeadlineOrder_sameDeadlineInArmingOrder() throws InterruptedException {
            int n = 200;
            Random random = new Random(3);
            List<Integer> fired = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(n);
            Clock.Timer[] timers = new Clock.Timer[n];
            for (int i = 0; i < n; i++) {
                int id = i;
                timers[i] = c.newTimer(() -> {
                    fired.add(id);
                    all.countDown();
                });
            }
            long t0 = c.nanoTime();
            long[] deadline = new long[n];
            CountDownLatch release = holdTheClockThread(new CountDownLatch(1));
            List<long[]> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // in the past by the time the thread is released: all due at once, run in deadline order
                deadline[i] = t0 - 1_000 + random.nextInt(50);
                timers[i].schedule(t0 + HOUR);
            }
            for (int i = n - 1; i >= 0; i--) {
                timers[i].schedule(deadline[i]);
                expected.add(new long[] { deadline[i], i });
            }
            expected.sort((a, b) -> Long.compare(a[0], b[0]));
            release.countDown();
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fired).containsExactlyElementsOf(expected.stream().map(e -> (int) e[1]).toList());
        }

        @Test
        void aTaskThatThrows_isReported_andTheClockGoesOn() throws InterruptedException {
            List<Throwable> reported = new CopyOnWriteArrayList<>();
            AtomicReference<Thread.UncaughtExceptionHandler> previous = new AtomicReference<>();
            CountDownLatch release = holdTheClockThread(new CountDownLatch(1));
            long now = c.nanoTime();
            c.schedule(now, () -> {
                previous.set(Thread.currentThread().getUncaughtExceptionHandler());
                Thread.currentThread().setUncaughtExceptionHandler((th, e) -> reported.add(e));
            });
            c.schedule(now, () -> {
                throw new IllegalStateException("boom");
            });
            CountDownLatch after = new CountDownLatch(1);
            c.schedule(now, () -> {
                Thread.currentThread().setUncaughtExceptionHandler(previous.get() == Thread.currentThread()
                        .getThreadGroup() ? null : previous.get());
                after.countDown();
            });
            release.countDown();
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(reported).singleElement().isInstanceOf(IllegalStateException.class);
        }

        @Test
        void rearmAndFire_allocatesNothingOnEitherThread() throws InterruptedException {
            var bean = threads();
            int cycles = 20_000;
            AtomicLong clockThread = new AtomicLong();
            AtomicInteger left = new AtomicInteger();
            CountDownLatch[] done = new CountDownLatch[1];
            Clock.Timer[] t = new Clock.Timer[1];
            t[0] = c.newTimer(() -> {
                if (left.decrementAndGet() > 0) {
                    t[0].schedule(c.nanoTime());
                } else {
                    done[0].countDown();
                }
            });
            CountDownLatch idOf = new CountDownLatch(1);
            c.schedule(c.nanoTime(), () -> {
                clockThread.set(Thread.currentThread().threadId());
                idOf.countDown();
            });
            assertThat(idOf.await(10, TimeUnit.SECONDS)).isTrue();
            long onClockThread = 0;
            long onCaller = 0;
            for (int round = 0; round < 2; round++) {
                done[0] = new CountDownLatch(1);
                left.set(cycles);
                long clockBefore = bean.getThreadAllocatedBytes(clockThread.get());
                long callerBefore = bean.getCurrentThreadAllocatedBytes();
                t[0].schedule(c.nanoTime());
                for (int i = 0; i < 1_000; i++) {
                    // re-arming from another thread while the task re-arms itself
                    t[0].schedule(c.nanoTime());
                }
                onCaller = bean.getCurrentThreadAllocatedBytes() - callerBefore;
                assertThat(done[0].await(10, TimeUnit.SECONDS)).isTrue();
                onClockThread = bean.getThreadAllocatedBytes(clockThread.get()) - clockBefore;
            }
            assertThat(onClockThread).as("bytes on the clock's thread for %d cycles", cycles).isLessThan(cycles / 10);
            assertThat(onCaller).as("bytes on the arming thread for 1001 armings").isLessThan(1_000);
        }
    }
}
