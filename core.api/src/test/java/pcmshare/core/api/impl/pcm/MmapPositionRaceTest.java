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
 * under the stream lock, on two real threads: the application commits with
 * compare-and-set on the control page while the hardware thread reports
 * periods; the application sleeps in {@code waitAvail} whenever the ring has
 * no room (playback) or no data (capture) and must be woken by the period
 * that makes some: a lost wake-up leaves it asleep and the run fails on its
 * deadline. After every wake the lock-free {@code mmapBegin} must find the
 * period the wake promised. Every period carries a stamp, so a period read
 * before it was committed or overwritten before it was read fails the run;
 * an observer thread checks that the published hw_ptr and appl_ptr are never
 * torn and never behind by more than one period.
 */
class MmapPositionRaceTest {
    private static final long PERIOD = 16;
    private static final int PERIODS = 4;
    /** Small, so that the positions wrap at the boundary every few dozen periods. */
    private static final long POINTER_LIMIT = 1024;
    private static final long RUN = Long.getLong("pcmshare.race.periods", 2_000_000L);
    private static final long DEADLINE_SECONDS = Long.getLong("pcmshare.race.deadline", 240L);

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private PcmEngine engine;
    private Substream s;
    private ThreadHardware card;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean done;
    /** Frames committed by the commits that returned, not wrapped at the boundary. */
    private volatile long committedFrames;
    private volatile long wakes;
    private volatile long observations;

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
        // playback cannot start empty: one period first
        commitPeriods(1);
        s.start();
        race(hw::playOne, RUN);
        System.out.println("playback: " + RUN + " periods, " + wakes + " sleeps woken");
        assertThat(hw.periods).isEqualTo(RUN);
        assertThat(hw.failure).isNull();
        // the driver hears of appl_ptr under the lock only outside the steady state: the commit before start
        assertThat(hw.acks).as("commits made under the stream lock").isLessThan(RUN / 1000);
        assertThat(wakes).as("the application slept and was woken").isGreaterThan(1000);
        assertThat(s.state).isEqualTo(PcmState.RUNNING);
    }

    @Test
    void capture_commitRacesPeriodElapsed_everyWakeFindsData_noneLost() throws Exception {
        open(Direction.CAPTURE, false);
        ThreadHardware.Stream hw = card.stream;
        s.start();
        race(hw::captureOne, RUN);
        System.out.println("capture: " + RUN + " periods, " + wakes + " sleeps woken");
        assertThat(hw.failure).isNull();
        assertThat(wakes).as("the application slept and was woken").isGreaterThan(1000);
        assertThat(s.state).isEqualTo(PcmState.RUNNING);
    }

    /** jcstress-style: a third thread reads the pages while both sides move them. */
    @Test
    void positionsPublished_neitherTornNorStaleBeyondOnePeriod() throws Exception {
        open(Direction.PLAYBACK, false);
        ThreadHardware.Stream hw = card.stream;
        commitPeriods(1);
        s.start();
        Thread observer = Thread.ofPlatform().name("observer").start(() -> observe(hw));
        race(hw::playOne, RUN / 10);
        done = true;
        observer.join(TimeUnit.SECONDS.toMillis(30));
        rethrow();
        assertThat(observations).isGreaterThan(1000);
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
        commitPeriods(1);
        s.start();
        race(hw::playOne, 10_000);
        assertThat(hw.failure).isNull();
        // one ack per commit: the application committed every period the hardware played, and maybe one more
        assertThat(hw.acks).isBetween(10_000L, 10_000L + PERIODS);
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
     * The application on this thread, the hardware on another, for
     * {@code periods} periods; the application commits whatever the hardware
     * leaves it and sleeps in waitAvail when there is nothing. A watchdog
     * stops the stream if the run outlives its deadline: a sleeper nobody
     * woke.
     */
    private void race(BooleanSupplier hardwareStep, long periods) throws Exception {
        ThreadHardware.Stream hw = card.stream;
        Thread hardware = Thread.ofPlatform().name("hardware").start(() -> {
            try {
                int idle = 0;
                while (!done && hw.periods < periods && hw.failure == null) {
                    idle = hardwareStep.getAsBoolean() ? 0 : idle(idle);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        Thread watchdog = Thread.ofPlatform().name("watchdog").daemon().start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
                failure.compareAndSet(null, new AssertionError("no progress in " + DEADLINE_SECONDS
                        + " s: the application asleep at period " + hw.periods + " of " + periods + ", "
                        + s.waiters + " waiting: a lost wake-up"));
                s.drop();
            } catch (InterruptedException e) {
                // the run ended in time
            }
        });
        // playback queued period 0 before the start
        long period = s.playback ? 1 : 0;
        try {
            while (period < periods && failure.get() == null && hw.failure == null) {
                MmapArea a = s.mmapBegin(PERIOD);
                if (a.frames() == PERIOD) {
                    stampOrCheck(a, period++);
                    s.mmapCommit(a.offset(), PERIOD);
                    committedFrames += PERIOD;
                } else if (a.frames() == 0) {
                    waitWoken(hw, periods);
                } else {
                    throw new AssertionError("part of a period: " + a.frames() + " frames at " + a.offset());
                }
            }
        } catch (RuntimeException | AssertionError e) {
            failure.compareAndSet(null, e);
        } finally {
            if (failure.get() != null || hw.failure != null) {
                done = true;
            }
            hardware.join(TimeUnit.SECONDS.toMillis(60));
            done = true;
            watchdog.interrupt();
            if (hardware.isAlive()) {
                failure.compareAndSet(null, new AssertionError("the hardware thread hangs at period " + hw.periods));
            }
        }
        rethrow();
    }

    /** One sleep of the application; the wake must bring a whole period. */
    private void waitWoken(ThreadHardware.Stream hw, long periods) {
        if (!s.waitAvail(-1)) {
            throw new AssertionError("waitAvail without deadline returned false at period " + hw.periods);
        }
        wakes++;
        MmapArea b = s.mmapBegin(PERIOD);
        if (b.frames() != PERIOD) {
            throw new AssertionError("woken at period " + hw.periods + " of " + periods + " with "
                    + b.frames() + " frames where avail_min is " + PERIOD + ": " + s.status());
        }
    }

    private void observe(ThreadHardware.Stream hw) {
        try {
            long n = 0;
            while (!done) {
                long hwBefore = hw.reportedFrames;
                long hwPtr = s.pages.hwPtr();
                long hwAfter = hw.reportedFrames;
                long applBefore = committedFrames;
                long applPtr = s.pages.applPtr();
                long applAfter = committedFrames;
                if (checkWindow("hw_ptr", hwPtr, hwBefore, hwAfter) & checkWindow("appl_ptr", applPtr, applBefore,
                        applAfter)) {
                    n++;
                }
            }
            observations = n;
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /**
     * {@code seen}, read between two reads of the frames published so far
     * ({@code before}, {@code after}, counted without wrapping), is no older
     * than {@code before} and at most one period (the one being published)
     * past {@code after}, in whole periods, modulo the boundary. False when
     * the reader was held up for so long that the boundary makes it ambiguous.
     */
    private boolean checkWindow(String what, long seen, long before, long after) {
        long slack = after - before + PERIOD;
        if (slack >= s.boundary) {
            return false;
        }
        long ahead = Math.floorMod(seen - before, s.boundary);
        if (seen < 0 || seen >= s.boundary || seen % PERIOD != 0 || ahead > slack) {
            throw new AssertionError(what + " read as " + seen + " between " + before + " and " + after
                    + " frames published (boundary " + s.boundary + "): torn, or stale by more than one period");
        }
        return true;
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
