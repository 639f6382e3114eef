package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * jcstress-style: the application (lock-free mmap begin and commit, a sleep
 * in waitAvail when there is nothing), the hardware ({@link SteppedHardware}:
 * its position moved in chunks, the period interrupt after each period) and
 * an observer on three threads, each pausing between its steps for a number
 * of spins its own seeded {@link Random} chooses. The observer reads hw_ptr
 * and appl_ptr from the pages without a lock and places each between what
 * the writer had finished before the read and what it had under way after it:
 * hw_ptr is never behind the last finished period interrupt (so never stale
 * by more than the one period under way) nor ahead of the hardware; appl_ptr
 * never behind the last finished commit nor ahead of the one under way.
 *
 * <p>Periods of 2^20 frames and a boundary of 2^33 take the positions across
 * 2^32 and back to 0 at the boundary within a few thousand periods, so both
 * 32-bit halves of a position change at once there: a read of one half old
 * and the other new lands about 2^32 frames from either and fails. The seeds
 * fix the choices and the pauses, not the threads' scheduling: a failure names
 * its seed, which replays the same pauses. Near those crossings the hardware
 * waits after each of its steps until the observer has read a few more times,
 * so that the reads gather there. The fixed seeds run every time, with one
 * more from the clock, printed.
 */
class PositionPublicationRaceTest {
    private static final long PERIOD = 1 << 20;
    private static final int PERIODS = 4;
    private static final long BUFFER = PERIOD * PERIODS;
    /** A boundary of 2^33: the largest power-of-two multiple of the buffer with another buffer below 2^34. */
    private static final long POINTER_LIMIT = 1L << 34;
    private static final long HIGH_HALF = 1L << 32;
    /** Across 2^32, the boundary, and a quarter of the way on. */
    private static final long RUN_FRAMES = (1L << 33) + (1L << 31);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /**
     * Within this many frames of 2^32 or of the boundary, the hardware lets the observer read
     * {@link #READS_NEAR_CROSSING} times after each of its steps: the reads gather where both halves
     * change, and see both positions on either side however the threads are scheduled (appl_ptr is
     * within a buffer of hw_ptr, so it crosses inside the window too).
     */
    private static final long CROSSING_WINDOW = BUFFER + 2 * PERIOD;
    private static final int READS_NEAR_CROSSING = 16;
    private static final long CLOCK_SEED = Long.getLong("pcmshare.publication.seed", System.nanoTime());

    private PcmEngine engine;
    private Substream s;
    private SteppedHardware.Stream hw;
    private long seed;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean done;
    /** Frames committed by commits that returned, unwrapped: appl_ptr is never behind. */
    private volatile long committed;
    /** Frames committed once the commit under way returns: appl_ptr is never ahead. */
    private volatile long committing;
    private volatile long observations;
    /** Reads the observer made so far, valid or not: the hardware waits on it near 2^32 and the boundary. */
    private volatile long reads;
    private volatile int hwHalfChanges;
    private volatile int applHalfChanges;

    static LongStream seeds() {
        return LongStream.of(1, 0x5EED, 20_250_611, CLOCK_SEED);
    }

    @BeforeAll
    static void printSeed() {
        System.out.println("PositionPublicationRaceTest: seed from the clock " + CLOCK_SEED);
    }

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

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void positionsPublished_neitherTornNorStaleBeyondOnePeriod_playback(long seed) throws Exception {
        run(seed, Direction.PLAYBACK);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void positionsPublished_neitherTornNorStaleBeyondOnePeriod_capture(long seed) throws Exception {
        run(seed, Direction.CAPTURE);
    }

    private void run(long runSeed, Direction d) throws Exception {
        seed = runSeed;
        engine = new PcmEngine(new ManualClock(1_000_000_000L), Allocators::platform, POINTER_LIMIT);
        SteppedHardware card = new SteppedHardware(HwConstraints.typical(), false);
        String id = engine.addCard(card);
        s = SubstreamHandle.substreamOf(engine.open(id, 0, d, 0, false));
        s.hwParams(HwParams.of(SampleFormat.S16_LE, 1, 48_000, PERIOD, PERIODS).withAccess(Access.MMAP_INTERLEAVED));
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.prepare();
        assertThat(s.boundary).isEqualTo(1L << 33);
        hw = card.stream;
        hw.setup(s.playback, s.boundary);
        s.start();
        long t0 = System.nanoTime();
        Thread hardware = Thread.ofPlatform().name("hardware").start(() -> guard(this::hardware));
        Thread observer = Thread.ofPlatform().name("observer").start(() -> guard(this::observe));
        Thread application = Thread.ofPlatform().name("application").start(() -> guard(this::application));
        hardware.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
        if (hardware.isAlive()) {
            failure.compareAndSet(null, new AssertionError(context("stuck: the hardware at " + hw.moved + " of "
                    + RUN_FRAMES + " frames, room " + hw.room() + ", " + s.waiters() + " waiting")));
        }
        done = true;
        observer.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
        // a stop wakes the application if it sleeps for a period that will not come
        s.drop();
        application.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
        rethrow();
        System.out.printf("seed %d, %s: %d frames, %d observations, the high half of hw_ptr seen changing %d times, "
                + "of appl_ptr %d, %d ms%n", seed, d, hw.moved, observations, hwHalfChanges, applHalfChanges,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(hw.moved).isEqualTo(RUN_FRAMES);
        assertThat(observations).as(context("observations")).isGreaterThan(1000);
        // up at 2^32, down at the boundary: the observer saw both halves of both positions move
        assertThat(hwHalfChanges).as(context("hw_ptr's high half changes seen")).isGreaterThanOrEqualTo(2);
        assertThat(applHalfChanges).as(context("appl_ptr's high half changes seen")).isGreaterThanOrEqualTo(2);
    }

    /** Moves in chunks of a quarter, a half or the rest of a period, as the room allows; one interrupt a period. */
    private void hardware() {
        Random rnd = new Random(seed * 3 + 1);
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (hw.moved < RUN_FRAMES && failure.get() == null) {
            long rest = PERIOD - (hw.moved - hw.reported);
            long chunk = switch (rnd.nextInt(3)) {
                case 0 -> Math.min(rest, PERIOD / 4);
                case 1 -> Math.min(rest, PERIOD / 2);
                default -> rest;
            };
            for (int spins = 0; hw.room() < chunk; spins = idle(spins)) {
                if (System.nanoTime() - deadline > 0 || failure.get() != null) {
                    throw new AssertionError(context("the hardware found no room for " + chunk + " frames at "
                            + hw.moved + ": the application asleep with " + s.waiters() + " waiting?"));
                }
            }
            pause(rnd);
            hw.move(chunk);
            letTheObserverReadNearACrossing(deadline);
            if (hw.moved - hw.reported == PERIOD) {
                pause(rnd);
                hw.elapse();
                letTheObserverReadNearACrossing(deadline);
            }
        }
    }

    private void letTheObserverReadNearACrossing(long deadline) {
        long at = hw.moved % s.boundary;
        long fromCrossing = Math.min(Math.abs(at - HIGH_HALF), Math.min(at, s.boundary - at));
        if (fromCrossing > CROSSING_WINDOW) {
            return;
        }
        long until = reads + READS_NEAR_CROSSING;
        for (int spins = 0; reads < until && !done && failure.get() == null; spins = idle(spins)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(context("the observer stalled at " + reads + " reads"));
            }
        }
    }

    /** Takes what the pages offer, a period or any part of the ring, commits all or part of it; sleeps on none. */
    private void application() {
        Random rnd = new Random(seed * 3 + 2);
        try {
            while (!done && failure.get() == null) {
                long n = rnd.nextBoolean() ? PERIOD : 1 + rnd.nextLong(BUFFER);
                MmapArea a = s.mmapBegin(n);
                if (a.frames() == 0) {
                    s.waitAvail(-1);
                    continue;
                }
                long frames = rnd.nextInt(4) > 0 ? a.frames() : 1 + rnd.nextLong(a.frames());
                pause(rnd);
                committing = committed + frames;
                long took = s.mmapCommit(a.offset(), frames);
                if (took != frames) {
                    throw new AssertionError(context("mmap_commit took " + took + " of " + frames));
                }
                committed = committing;
                pause(rnd);
            }
        } catch (ErrnoException e) {
            if (!done) {
                throw e;
            }
            // the run is over: the stop above ended a wait or a commit
        }
    }

    private void observe() {
        Random rnd = new Random(seed * 3 + 3);
        long n = 0;
        long r = 0;
        long lastHw = 0;
        long lastAppl = 0;
        while (!done && failure.get() == null) {
            long hwBefore = hw.reported;
            long hwPtr = s.pages.hwPtr();
            long hwAfter = hw.moved;
            long applBefore = committed;
            long applPtr = s.pages.applPtr();
            long applAfter = committing;
            if (within("hw_ptr", hwPtr, hwBefore, hwAfter) & within("appl_ptr", applPtr, applBefore, applAfter)) {
                n++;
            }
            if (hwPtr / HIGH_HALF != lastHw / HIGH_HALF) {
                hwHalfChanges++;
            }
            if (applPtr / HIGH_HALF != lastAppl / HIGH_HALF) {
                applHalfChanges++;
            }
            lastHw = hwPtr;
            lastAppl = applPtr;
            reads = ++r;
            pause(rnd);
        }
        observations = n;
    }

    /**
     * {@code seen}, read after {@code before} and before {@code after}
     * (unwrapped frame counts), is no older than the one and no newer than
     * the other, modulo the boundary. False when the observer was held up so
     * long that the boundary makes it ambiguous.
     */
    private boolean within(String what, long seen, long before, long after) {
        long span = after - before;
        if (span >= s.boundary) {
            return false;
        }
        long ahead = Math.floorMod(seen - before, s.boundary);
        if (seen < 0 || seen >= s.boundary || ahead > span) {
            throw new AssertionError(context(what + " read as 0x" + Long.toHexString(seen) + " where the writer had "
                    + "finished 0x" + Long.toHexString(before % s.boundary) + " before the read and had 0x"
                    + Long.toHexString(after % s.boundary) + " under way after it (boundary 0x"
                    + Long.toHexString(s.boundary) + "): torn, stale by more than one period, or ahead"));
        }
        return true;
    }

    private void guard(Runnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private String context(String message) {
        return "seed " + seed + " (replay the pauses with -Dpcmshare.publication.seed=" + seed + "): " + message;
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

    /** A pause of 0 to 255 spins, one step in four. */
    private static void pause(Random rnd) {
        if (rnd.nextInt(4) == 0) {
            for (int i = rnd.nextInt(256); i > 0; i--) {
                Thread.onSpinWait();
            }
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
