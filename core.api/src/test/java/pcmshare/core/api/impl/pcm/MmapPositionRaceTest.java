package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * The lock-free mmap path ({@link MmapSteadyState}) against the period path
 * under the stream lock, on two real threads. The application commits with
 * compare-and-set on the control page while the hardware thread reports
 * periods, and sleeps in {@code waitAvail} whenever the ring has no room
 * (playback) or no data (capture).
 *
 * <p>Every wake-up is checked, in lock-step: the hardware elapses the period
 * due to wake the application only while the application sleeps on a ring
 * with nothing available, then elapses nothing more until the application is
 * back from {@code waitAvail}, and the application, back, must find exactly
 * the one period that woke it. Right after, the hardware elapses one more
 * period at once, racing the application's lock-free commit and its way back
 * into {@code waitAvail}: if that period finds it asleep, it is the one that
 * must wake it. A single lost wake-up leaves the application asleep while the
 * hardware waits for it, and the run fails on a deadline that names the
 * period; a wake-up that came late, after a second period, fails the exact
 * count. Every period carries a stamp, so a period read before it was
 * committed or overwritten before it was read fails the run too.
 */
class MmapPositionRaceTest {
    private static final long PERIOD = 16;
    private static final int PERIODS = 4;
    /** Small, so that the positions wrap at the boundary every few dozen periods. */
    private static final long POINTER_LIMIT = 1024;
    /** Periods of the free-running write and read race. */
    private static final long RUN = Long.getLong("pcmshare.race.periods", 2_000_000L);
    /**
     * Lock-step cycles of two periods each (one that must wake the application,
     * one that races it): 400,001 periods a direction rather than millions,
     * since every cycle is a park and an unpark round trip between the two
     * threads: about 3 microseconds a cycle when both cores are free, but 30
     * to 40 when other work holds one of them (measured on two shared cores),
     * where two million periods would take some 35 seconds a direction.
     */
    private static final long CYCLES = Long.getLong("pcmshare.race.cycles", 200_000L);
    /** How long the hardware waits for the application to come back from a wake-up before calling it lost. */
    private static final long WAKE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long DEADLINE_SECONDS = Long.getLong("pcmshare.race.deadline", 240L);

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private PcmEngine engine;
    private Substream s;
    private ThreadHardware card;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean done;
    /** Frames committed by the commits that returned, not wrapped at the boundary. */
    private volatile long committedFrames;
    /** Calls of waitAvail by the application. */
    private volatile long calls;
    /** Returns from waitAvail the application has checked; the hardware waits on it in lock-step. */
    private volatile long returns;

    @AfterEach
    void tearDown() {
        done = true;
        if (s != null) {
            s.close();
        }
        if (engine != null) {
            engine.removeAll();
        }
    }

    private void open(Direction d, boolean syncApplPtr) {
        open(d, syncApplPtr, Access.MMAP_INTERLEAVED);
    }

    private void open(Direction d, boolean syncApplPtr, Access access) {
        HwConstraints c = HwConstraints.typical();
        if (syncApplPtr) {
            EnumSet<PcmCapability> caps = EnumSet.copyOf(c.capabilities());
            caps.add(PcmCapability.SYNC_APPLPTR);
            c = c.withCapabilities(caps);
        }
        engine = new PcmEngine(clock, Allocators::platform, POINTER_LIMIT);
        card = new ThreadHardware(c);
        String id = engine.addCard(card);
        s = SubstreamHandle.substreamOf(engine.open(id, 0, d, 0, false));
        s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, PERIOD, PERIODS).withAccess(access));
        // an empty (playback) or full (capture) ring is no xrun: the hardware thread never overruns the application
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.prepare();
        card.stream.boundary = s.boundary;
        assertThat(s.boundary).isLessThanOrEqualTo(POINTER_LIMIT);
    }

    @Test
    void playback_commitRacesPeriodElapsed_everyWakeFindsRoom_noneLost() throws Exception {
        open(Direction.PLAYBACK, false);
        ThreadHardware.Stream hw = card.stream;
        // the ring full before the start: the application's first try finds no room, and sleeps
        commitPeriods(PERIODS);
        s.start();
        long t0 = System.nanoTime();
        lockStep(hw::playOne, CYCLES);
        System.out.printf("playback lock-step: %d periods, %d wake-ups each checked, %d ms%n", hw.periods, returns,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(hw.failure).isNull();
        assertThat(hw.periods).isEqualTo(2 * CYCLES + 1);
        assertThat(returns).as("returns from waitAvail, each with exactly one period").isGreaterThan(CYCLES);
        // the driver hears of appl_ptr under the lock only outside the steady state: the commits before start
        assertThat(hw.acks).as("commits made under the stream lock").isEqualTo(PERIODS);
        assertThat(s.state).isEqualTo(PcmState.RUNNING);
    }

    @Test
    void capture_commitRacesPeriodElapsed_everyWakeFindsData_noneLost() throws Exception {
        open(Direction.CAPTURE, false);
        ThreadHardware.Stream hw = card.stream;
        s.start();
        long t0 = System.nanoTime();
        lockStep(hw::captureOne, CYCLES);
        System.out.printf("capture lock-step: %d periods, %d wake-ups each checked, %d ms%n", hw.periods, returns,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(hw.failure).isNull();
        assertThat(hw.periods).isEqualTo(2 * CYCLES + 1);
        assertThat(returns).as("returns from waitAvail, each with exactly one period").isGreaterThan(CYCLES);
        assertThat(s.state).isEqualTo(PcmState.RUNNING);
    }

    /**
     * Blocking write and read (TransferSteadyState when the published room
     * suffices, the locked path with its wait otherwise) against the period
     * path: every period arrives with its stamp, nothing is lost or stuck.
     */
    @Test
    void writeAndRead_racePeriodElapsed_everyPeriodIntact_noneStuck() throws Exception {
        for (Direction d : Direction.values()) {
            open(d, false, Access.RW_INTERLEAVED);
            ThreadHardware.Stream hw = card.stream;
            MemorySegment frames = Arena.ofAuto().allocate(PERIOD * 4);
            long n = RUN / 4;
            if (d == Direction.PLAYBACK) {
                s.swParams(s.swParams().withStartThreshold(PERIOD));
            } else {
                s.start();
            }
            Thread hardware = Thread.ofPlatform().name("hardware").start(() -> {
                int idle = 0;
                while (!done && hw.periods < n && hw.failure == null) {
                    idle = (d == Direction.PLAYBACK ? hw.playOne() : hw.captureOne()) ? 0 : idle(idle);
                }
            });
            try {
                for (long p = 0; p < n && hw.failure == null; p++) {
                    if (d == Direction.PLAYBACK) {
                        frames.set(ValueLayout.JAVA_LONG, 0, p);
                        assertThat(s.write(frames, PERIOD)).isEqualTo(PERIOD);
                    } else {
                        assertThat(s.read(frames, PERIOD)).isEqualTo(PERIOD);
                        assertThat(frames.get(ValueLayout.JAVA_LONG, 0)).as("stamp of period %d", p).isEqualTo(p);
                    }
                }
            } finally {
                hardware.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
                done = true;
            }
            assertThat(hardware.isAlive()).as("the hardware thread is stuck").isFalse();
            assertThat(hw.failure).isNull();
            assertThat(hw.periods).isEqualTo(n);
            assertThat(s.state).isEqualTo(PcmState.RUNNING);
            tearDown();
            done = false;
            s = null;
        }
    }

    /** SNDRV_PCM_INFO_SYNC_APPLPTR: every commit under the lock, the driver told each time. */
    @Test
    void syncApplPtr_everyCommitTakesTheLockAndAcksTheDriver() throws Exception {
        open(Direction.PLAYBACK, true);
        ThreadHardware.Stream hw = card.stream;
        commitPeriods(PERIODS);
        s.start();
        long cycles = 5_000;
        lockStep(hw::playOne, cycles);
        assertThat(hw.failure).isNull();
        // one ack per commit: the ring before the start, then the two periods of each cycle
        assertThat(hw.acks).isEqualTo(PERIODS + 2 * cycles);
    }

    private void commitPeriods(int n) {
        for (int i = 0; i < n; i++) {
            MmapArea a = s.mmapBegin(PERIOD);
            assertThat(a.frames()).isEqualTo(PERIOD);
            stampOrCheck(a, i);
            s.mmapCommit(a.offset(), PERIOD);
        }
        committedFrames += n * PERIOD;
    }

    private void stampOrCheck(MmapArea a, long period) {
        long at = a.byteOffset(0, a.offset());
        if (s.playback) {
            a.buffer().set(ValueLayout.JAVA_LONG, at, period);
        } else {
            long stamp = a.buffer().get(ValueLayout.JAVA_LONG, at);
            if (stamp != period) {
                throw new AssertionError("read period " + period + " but its stamp says " + stamp);
            }
        }
    }

    /**
     * {@code cycles} lock-step cycles and one last period that wakes the
     * application a final time. The application (a thread) moves every
     * period the hardware leaves it and sleeps when there is none; the
     * hardware (another thread) elapses the period due to wake it only while
     * it sleeps with nothing available, waits for it to come back, and at once
     * elapses a period that races it.
     */
    private void lockStep(BooleanSupplier hardwareStep, long cycles) throws Exception {
        ThreadHardware.Stream hw = card.stream;
        Thread hardware = Thread.ofPlatform().name("hardware").start(() -> {
            try {
                for (long c = 0; c <= cycles; c++) {
                    awaitAsleepWithNothingAvailable(hw, c);
                    long back = returns;
                    if (c == cycles) {
                        done = true; // the application leaves after this last wake-up
                    }
                    elapse(hardwareStep, hw, "due to wake the application");
                    if (c < cycles) {
                        awaitBack(hw, back, c);
                        elapse(hardwareStep, hw, "racing the application");
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                done = true;
                // a stop wakes the sleeper: its waitAvail fails, and the run with the failure above
                s.drop();
            }
        });
        // the application on a thread of its own, like the hardware: the test's thread only watches the two
        Thread application = Thread.ofPlatform().name("application").start(() -> application(hw));
        application.join(TimeUnit.SECONDS.toMillis(60));
        hardware.join(TimeUnit.SECONDS.toMillis(60));
        if (application.isAlive() || hardware.isAlive()) {
            failure.compareAndSet(null, new AssertionError("a thread hangs at period " + hw.periods
                    + (application.isAlive() ? ": the application" : ": the hardware")));
            done = true;
            s.drop();
        }
        rethrow();
    }

    /** Moves every period the hardware leaves; sleeps when there is none, and checks what it finds back. */
    private void application(ThreadHardware.Stream hw) {
        long period = s.playback ? PERIODS : 0;
        try {
            while (!done) {
                MmapArea a = s.mmapBegin(PERIOD);
                if (a.frames() == PERIOD) {
                    stampOrCheck(a, period++);
                    s.mmapCommit(a.offset(), PERIOD);
                    committedFrames += PERIOD;
                } else if (a.frames() == 0) {
                    calls++;
                    if (!s.waitAvail(-1)) {
                        throw new AssertionError("waitAvail without deadline returned false at period " + hw.periods);
                    }
                    checkBackWithExactlyOnePeriod(hw);
                    returns++;
                } else {
                    throw new AssertionError("part of a period: " + a.frames() + " frames at " + a.offset());
                }
            }
        } catch (RuntimeException | AssertionError e) {
            failure.compareAndSet(null, e);
            done = true;
        }
    }

    /**
     * The hardware does not move while the application checks this: the
     * period that woke it (or that it found on its way into waitAvail) is the
     * only one available, and the pages say so.
     */
    private void checkBackWithExactlyOnePeriod(ThreadHardware.Stream hw) {
        long applPtr = s.pages.applPtr();
        long hwPtr = s.pages.hwPtr();
        long avail = MmapSteadyState.avail(s, hwPtr, applPtr);
        long expectAppl = committedFrames % s.boundary;
        if (avail != PERIOD || applPtr != expectAppl) {
            throw new AssertionError("back from waitAvail at period " + hw.periods + " with " + avail
                    + " frames available (hw_ptr " + hwPtr + ", appl_ptr " + applPtr + " where " + expectAppl
                    + " was committed): the period that woke it made exactly " + PERIOD
                    + (avail > PERIOD ? "; a wake-up came late or was lost" : ""));
        }
    }

    /** One period of the hardware, which must find a period to play (room to capture). */
    private static void elapse(BooleanSupplier hardwareStep, ThreadHardware.Stream hw, String why) {
        if (!hardwareStep.getAsBoolean()) {
            throw new AssertionError("the hardware found nothing to move at period " + hw.periods + ", " + why);
        }
    }

    /**
     * Until the application sleeps (a waiter, under the stream lock) with
     * nothing available: a sleeper no period has woken yet. One that sleeps
     * with a period available missed its wake-up.
     */
    private void awaitAsleepWithNothingAvailable(ThreadHardware.Stream hw, long cycle) {
        long deadline = System.nanoTime() + WAKE_DEADLINE_NANOS;
        for (int spins = 0;; spins = idle(spins)) {
            if (calls == returns && failure.get() == null && System.nanoTime() - deadline < 0) {
                continue; // not even in waitAvail yet: no need to take the lock to know
            }
            int waiters;
            long avail;
            s.lockStream();
            try {
                waiters = s.waiters;
                avail = HwPtr.avail(s);
            } finally {
                s.lock.unlock();
            }
            if (waiters > 0 && avail == 0) {
                return;
            }
            if (failure.get() != null) {
                throw new AssertionError("the application failed", failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(waiters > 0
                        ? "lost wake-up: the application still sleeps " + WAKE_DEADLINE_NANOS / 1_000_000_000
                                + " s after period " + hw.periods + " (lock-step cycle " + cycle + ") made " + avail
                                + " frames available, avail_min " + s.pages.availMin()
                        : "the application did not go back to sleep within " + WAKE_DEADLINE_NANOS / 1_000_000_000
                                + " s after period " + hw.periods + " (lock-step cycle " + cycle + "), " + avail
                                + " frames available");
            }
        }
    }

    /** Until the application is back from the wait the last period was due to end. */
    private void awaitBack(ThreadHardware.Stream hw, long back, long cycle) {
        long deadline = System.nanoTime() + WAKE_DEADLINE_NANOS;
        for (int spins = 0; returns == back; spins = idle(spins)) {
            if (failure.get() != null) {
                throw new AssertionError("the application failed", failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("lost wake-up: period " + hw.periods + " (lock-step cycle " + cycle
                        + ") found the application asleep with nothing available, and it still sleeps "
                        + WAKE_DEADLINE_NANOS / 1_000_000_000 + " s later: " + s.waiters() + " waiting");
            }
        }
    }

    private void rethrow() throws Exception {
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private static int idle(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }
}
