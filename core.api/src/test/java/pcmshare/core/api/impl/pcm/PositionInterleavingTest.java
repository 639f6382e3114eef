package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * The publication of hw_ptr and appl_ptr in the status and control pages,
 * under interleavings that a seeded {@link Random} chooses, on one thread: the
 * application's steps (mmap begin, writing or reading the area in place,
 * commit; or a write or read), the hardware's ({@link SteppedHardware}: moving
 * its position, the period interrupt), calls that synchronise with the driver
 * (avail, hwsync, delay) and an observer's lock-free reads of the pages. After
 * every step the pages must say what a model of the ring says: hw_ptr where
 * the last update under the stream lock left it (the period interrupt, a
 * call that asks the driver, or a transfer that went to the locked path
 * because the published room was short; never mmap begin or avail_update),
 * appl_ptr where the commits moved it; avail never negative and never more
 * than the buffer; no position going backwards but at the boundary, which the
 * small pointer limit has them cross every few dozen steps. Every frame
 * carries a stamp, so a frame played before it was committed or read before
 * it was captured fails the run.
 *
 * <p>Each seed gives the same interleaving on every run: a failure names its
 * seed, its step and the steps before it, and
 * {@code -Dpcmshare.interleaving.seed=N} replays it. The fixed seeds run every
 * time, with one more from the clock, printed.
 */
class PositionInterleavingTest {
    private static final long PERIOD = 16;
    private static final int PERIODS = 4;
    private static final long BUFFER = PERIOD * PERIODS;
    /** Small, so that the positions wrap at the boundary (512) every few dozen steps. */
    private static final long POINTER_LIMIT = 1024;
    private static final int STEPS = 20_000;
    private static final long CLOCK_SEED = Long.getLong("pcmshare.interleaving.seed", System.nanoTime());

    private PcmEngine engine;
    private Substream s;
    private SteppedHardware.Stream hw;
    private Random rnd;
    private long seed;
    private int step;
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private MemorySegment data;

    // the model: unwrapped frame counts
    /** hw_ptr as the last update under the lock set it. */
    private long published;
    /** appl_ptr as the commits and transfers moved it. */
    private long appl;
    private MmapArea area;
    private boolean areaTouched;

    private long lastHwPage;
    private long lastApplPage;
    private int hwWraps;
    private int applWraps;
    private int lockFree;
    private int locked;

    static LongStream seeds() {
        return LongStream.of(1, 2, 0x5EED, 20_250_611, 0xCAFE_F00DL, CLOCK_SEED);
    }

    @BeforeAll
    static void printSeed() {
        System.out.println("PositionInterleavingTest: seed from the clock " + CLOCK_SEED);
    }

    @AfterEach
    void tearDown() {
        if (s != null) {
            s.close();
        }
        if (engine != null) {
            engine.removeAll();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mmapPlayback_everyInterleaving_pagesSayTheModelsPositions_availWithinTheRing_forwardOrWrap(long seed) {
        run(seed, Direction.PLAYBACK, Access.MMAP_INTERLEAVED);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mmapCapture_everyInterleaving_pagesSayTheModelsPositions_availWithinTheRing_forwardOrWrap(long seed) {
        run(seed, Direction.CAPTURE, Access.MMAP_INTERLEAVED);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writePlayback_everyInterleaving_pagesSayTheModelsPositions_availWithinTheRing_forwardOrWrap(long seed) {
        run(seed, Direction.PLAYBACK, Access.RW_INTERLEAVED);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readCapture_everyInterleaving_pagesSayTheModelsPositions_availWithinTheRing_forwardOrWrap(long seed) {
        run(seed, Direction.CAPTURE, Access.RW_INTERLEAVED);
    }

    private void run(long runSeed, Direction d, Access access) {
        seed = runSeed;
        rnd = new Random(runSeed);
        engine = new PcmEngine(new ManualClock(1_000_000_000L), Allocators::platform, POINTER_LIMIT);
        SteppedHardware card = new SteppedHardware(HwConstraints.typical(), true);
        String id = engine.addCard(card);
        // non-blocking: a transfer short of room answers at once rather than sleep on the only thread
        s = SubstreamHandle.substreamOf(engine.open(id, 0, d, 0, true));
        s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, PERIOD, PERIODS).withAccess(access));
        // an empty (playback) or full (capture) ring is no xrun: the hardware never overruns the application
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.prepare();
        hw = card.stream;
        hw.setup(s.playback, s.boundary);
        data = Arena.ofAuto().allocate(BUFFER * s.frameBytes);
        s.start();
        for (step = 0; step < STEPS; step++) {
            int r = rnd.nextInt(100);
            if (r < 30) {
                hardwareMoves();
            } else if (r < 42) {
                periodInterrupt();
            } else if (r < 85) {
                applicationStep();
            } else if (r < 92) {
                synchronises();
            } else {
                observes();
            }
            checkThePages();
        }
        System.out.printf("seed %d, %s %s: %d steps, %d lock-free and %d locked application steps, "
                + "hw_ptr wrapped %d times, appl_ptr %d%n", seed, d, access, STEPS, lockFree, locked, hwWraps,
                applWraps);
        assertThat(hwWraps).as(context("hw_ptr wrapped at the boundary")).isGreaterThan(10);
        assertThat(applWraps).as(context("appl_ptr wrapped at the boundary")).isGreaterThan(10);
        assertThat(lockFree).as(context("application steps without the stream lock")).isGreaterThan(100);
        if (access.isMmap()) {
            // mmap begin and commit read and store the pages only, short of room included
            assertThat(locked).as(context("mmap steps that synchronised under the lock")).isZero();
        } else {
            assertThat(locked).as(context("transfers that synchronised under the lock")).isGreaterThan(100);
        }
    }

    private long availAt(long hwPtr) {
        return s.playback ? hwPtr + BUFFER - appl : hwPtr - appl;
    }

    private void hardwareMoves() {
        // the core must hear of the hardware before it went a whole buffer, or it could not tell where it is
        long limit = Math.min(hw.room(), BUFFER - 1 - (hw.moved - published));
        if (limit <= 0) {
            did("hardware: no room to move");
            return;
        }
        long frames = rnd.nextBoolean() ? Math.min(limit, PERIOD) : 1 + rnd.nextInt((int) limit);
        did("hardware moves " + frames + " frames from " + hw.moved);
        hw.move(frames);
    }

    private void periodInterrupt() {
        did("period interrupt at " + hw.moved);
        hw.elapse();
        published = hw.moved;
    }

    private void applicationStep() {
        if (s.hw.access().isMmap()) {
            if (area == null) {
                begin();
            } else if (!areaTouched) {
                touchArea();
            } else {
                commit();
            }
        } else {
            transfer();
        }
    }

    private void begin() {
        long n = rnd.nextBoolean() ? PERIOD : 1 + rnd.nextInt((int) BUFFER);
        long want = Math.min(n, BUFFER - appl % BUFFER);
        did("mmap_begin " + n);
        MmapArea a = s.mmapBegin(n);
        // alsa-lib's mmap_begin: what the pages say, short of room included; it never asks the driver
        lockFree++;
        long frames = Math.min(want, availAt(published));
        expect(a.offset() == appl % BUFFER && a.frames() == frames, "mmap_begin gave " + a.frames() + " frames at "
                + a.offset() + " where the model has " + frames + " at " + appl % BUFFER);
        area = frames > 0 ? a : null;
    }

    /** Writes the stamps into the area (playback), or checks that the hardware captured them (capture). */
    private void touchArea() {
        did((s.playback ? "writes " : "reads ") + area.frames() + " frames in place");
        for (long f = appl; f < appl + area.frames(); f++) {
            long at = area.byteOffset(0, f % BUFFER);
            if (s.playback) {
                area.buffer().set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) f);
            } else {
                int stamp = area.buffer().get(ValueLayout.JAVA_INT_UNALIGNED, at);
                expect(stamp == (int) f, "frame " + f + " read with the stamp " + stamp);
            }
        }
        areaTouched = true;
    }

    private void commit() {
        long frames = rnd.nextBoolean() ? area.frames() : rnd.nextInt((int) area.frames() + 1);
        did("mmap_commit " + frames + " of " + area.frames());
        long done = s.mmapCommit(area.offset(), frames);
        expect(done == frames, "mmap_commit took " + done + " of " + frames);
        appl += frames;
        area = null;
        areaTouched = false;
    }

    private void transfer() {
        long n = rnd.nextBoolean() ? PERIOD : 1 + rnd.nextInt((int) BUFFER);
        did((s.playback ? "write " : "read ") + n);
        boolean steady = availAt(published) >= n;
        countPath(steady);
        long expected = Math.min(n, availAt(published));
        if (s.playback) {
            for (long i = 0; i < n; i++) {
                data.set(ValueLayout.JAVA_INT_UNALIGNED, i * s.frameBytes, (int) (appl + i));
            }
        }
        long done;
        try {
            done = s.playback ? s.write(data, n) : s.read(data, n);
        } catch (ErrnoException e) {
            expect(e.errno() == Errno.EAGAIN && expected == 0, "refused with " + e.errno() + " where the model has "
                    + expected + " frames to move");
            return;
        }
        expect(done == expected, "moved " + done + " frames where the model has " + expected);
        for (long i = 0; !s.playback && i < done; i++) {
            int stamp = data.get(ValueLayout.JAVA_INT_UNALIGNED, i * s.frameBytes);
            expect(stamp == (int) (appl + i), "frame " + (appl + i) + " read with the stamp " + stamp);
        }
        appl += done;
    }

    /** The lock-free path when the published room suffices; otherwise the locked one, which updates hw_ptr. */
    private void countPath(boolean steady) {
        if (steady) {
            lockFree++;
        } else {
            locked++;
            published = hw.moved;
        }
    }

    private void synchronises() {
        switch (rnd.nextInt(4)) {
            case 3 -> {
                did("avail_update");
                long avail = s.availUpdate();
                expect(avail == availAt(published), "avail_update said " + avail + ", the model (nothing asked of "
                        + "the driver) " + availAt(published));
            }
            case 0 -> {
                did("avail");
                long avail = s.avail();
                published = hw.moved;
                expect(avail == availAt(published), "avail said " + avail + ", the model " + availAt(published));
            }
            case 1 -> {
                did("hwsync");
                s.hwsync();
                published = hw.moved;
            }
            default -> {
                did("delay");
                long delay = s.delay();
                published = hw.moved;
                long expected = s.playback ? BUFFER - availAt(published) : availAt(published);
                expect(delay == expected, "delay said " + delay + ", the model " + expected);
            }
        }
    }

    private void observes() {
        did("observer reads the pages");
        long avail = MmapSteadyState.publishedAvail(s);
        expect(avail == availAt(published), "the pages' avail is " + avail + ", the model's " + availAt(published));
        expect(s.pages.stateWord() == PcmState.RUNNING.ordinal(), "the status page's state is " + s.pages.stateWord());
    }

    /** After every step: the pages say the model's positions, avail is within the ring, positions only go forward. */
    private void checkThePages() {
        long hwPage = s.pages.hwPtr();
        long applPage = s.pages.applPtr();
        expect(hwPage == published % s.boundary, "hw_ptr on the status page is " + hwPage + ", the model's "
                + published % s.boundary + " (the hardware at " + hw.moved % s.boundary + ")");
        expect(applPage == appl % s.boundary, "appl_ptr on the control page is " + applPage + ", the model's "
                + appl % s.boundary);
        long avail = MmapSteadyState.avail(s, hwPage, applPage);
        expect(avail >= 0 && avail <= BUFFER, "avail " + avail + " outside the ring of " + BUFFER);
        hwWraps += forward("hw_ptr", lastHwPage, hwPage);
        applWraps += forward("appl_ptr", lastApplPage, applPage);
        lastHwPage = hwPage;
        lastApplPage = applPage;
        expect(s.state == PcmState.RUNNING, "the state is " + s.state);
    }

    /** 1 when the pointer wrapped at the boundary, 0 when it moved forward or stayed; fails when it went back. */
    private int forward(String what, long before, long now) {
        long ahead = Math.floorMod(now - before, s.boundary);
        expect(now >= 0 && now < s.boundary && ahead <= BUFFER, what + " went from " + before + " to " + now
                + " (boundary " + s.boundary + ", buffer " + BUFFER + "): backwards, or further than one step can");
        return now < before ? 1 : 0;
    }

    private void did(String what) {
        if (history.size() == 12) {
            history.removeFirst();
        }
        history.addLast(step + ": " + what);
    }

    private void expect(boolean rule, String message) {
        if (!rule) {
            throw new AssertionError(context(message));
        }
    }

    private String context(String message) {
        return "seed " + seed + " (replay with -Dpcmshare.interleaving.seed=" + seed + "), step " + step + ": "
                + message + "; the steps before: " + history;
    }
}
