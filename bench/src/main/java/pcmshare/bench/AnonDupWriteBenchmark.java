package pcmshare.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.sharing.anondup.AnonDupBackend;

/**
 * The cost of the permission check on the data path: the hardware plays one
 * period, then the application writes one period, through the original handle
 * or through a MONITOR dup of it. A non-blocking write through the dup, as here,
 * adds the permission test, a mode check and the two atomic adds that count it in
 * flight, so that revoke waits for it (a blocking one registers its thread, so that
 * revoke can wake it); the target is within 5% of the original.
 *
 * <p>{@link #writeByTurns} measures both in one fork, by turns: each iteration
 * writes through one of them, in the order {@link Paired#bAt} gives (original,
 * dup, dup, original, …), to the same substream, so the two see the same machine,
 * the same JVM and the same ring and positions in memory, and drift cancels.
 * Its score mixes both; split its iteration results with {@link Paired#of} (the
 * suite does: its section 3). {@link #hardwarePeriodOnly} is the part both share
 * that is not the write, on a substream of its own.
 *
 * <p>Every iteration ends by checking that the streams still run and that every
 * write took its whole period (avail is what it was at the start). Run with
 * {@code -prof gc}: nothing allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = AnonDupWriteBenchmark.PAIRED_WARMUP,
        time = AnonDupWriteBenchmark.PAIRED_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = AnonDupWriteBenchmark.PAIRED_ITERATIONS,
        time = AnonDupWriteBenchmark.PAIRED_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class AnonDupWriteBenchmark {
    /** Warm-up iterations of {@link #writeByTurns}, by turns as well, so both paths are compiled. */
    static final int PAIRED_WARMUP = 10;
    /** Measurement iterations of {@link #writeByTurns}: a multiple of 4, so each order of a pair runs as often. */
    static final int PAIRED_ITERATIONS = 120;
    static final int PAIRED_MILLIS = 200;

    private static final int RATE = 48_000;
    private static final long PERIOD = 256;
    private static final int PERIODS = 4;

    /**
     * What the second turn writes through: a MONITOR dup (the measurement), the core's
     * plain dup of the handle ({@code DUP}), or the original handle again
     * ({@code ORIGINAL}: a control, by hand with {@code -p second=ORIGINAL}, whose ratio
     * must come out 1).
     */
    @Param({ "MONITOR" })
    public String second;

    private ManualClock clock;
    private PcmEngine engine;
    private HandCard driver;
    private AnonDupBackend backend;
    private PcmSubstream original;
    /** The second turn's handle: a MONITOR dup unless {@link #second} says otherwise. */
    private PcmSubstream monitor;
    private PcmSubstream idle;
    private MemorySegment period;
    private long periodNanos;
    /** What avail is in the steady state: a period played, a period written. */
    private long steadyAvail;
    /** The handle this iteration writes through: the original or the second. */
    private PcmSubstream writer;
    private int warmups;
    private int measurements;

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        driver = new HandCard("anondup-bench", 2, 0);
        String id = engine.addCard(driver);
        HwParams p = HwParams.of(SampleFormat.S16_LE, 2, RATE, PERIOD, PERIODS);
        periodNanos = p.framesToNanos(PERIOD);
        period = Arena.ofAuto().allocate(PERIOD * p.frameBytes());
        period.fill((byte) 0x11);
        backend = new AnonDupBackend();
        original = running(id, 0, p);
        idle = running(id, 1, p);
        monitor = switch (second) {
            case "MONITOR" -> backend.dup(original, Preset.MONITOR, "bench");
            case "DUP" -> original.dup();
            case "ORIGINAL" -> original;
            default -> throw new IllegalArgumentException("second: MONITOR, DUP or ORIGINAL, not " + second);
        };
        steadyAvail = original.avail();
    }

    private PcmSubstream running(String id, int sub, HwParams p) {
        PcmSubstream s = engine.open(id, 0, Direction.PLAYBACK, sub, false);
        s.hwParams(p);
        // the application keeps up: never stop, and refuse rather than wait if it ever did not
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.setNonBlocking(true);
        s.prepare();
        s.write(period, PERIOD);
        return s;
    }

    /** The turn of this iteration: alternating in the warm-up, in pairs of both orders in the measurement. */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) {
        boolean throughDup = iteration.getType() == IterationType.WARMUP ? (warmups++ & 1) == 1
                : Paired.bAt(measurements++);
        writer = throughDup ? monitor : original;
    }

    /** Both streams still run, and the written one lost no period: a short write would have raised avail. */
    @TearDown(Level.Iteration)
    public void check() {
        for (PcmSubstream s : List.of(original, idle)) {
            if (s.state() != PcmState.RUNNING) {
                throw new IllegalStateException("the stream stopped: " + s);
            }
        }
        long avail = original.avail();
        if (avail != steadyAvail) {
            throw new IllegalStateException("a write fell short: avail " + avail + ", not " + steadyAvail
                    + ", on " + original);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        check();
        if (monitor != original) {
            monitor.close();
        }
        original.close();
        idle.close();
    }

    private void playOnePeriod(int sub) {
        clock.advance(periodNanos);
        HandCard.Stream s = driver.stream(sub);
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
    }

    /**
     * One period played and one written, through the handle of this turn: one call site
     * for both, so neither turn runs code laid out apart from the other's (two methods,
     * one per turn, made a turn through the same handle measure 2% slower).
     */
    @Benchmark
    public long writeByTurns() {
        playOnePeriod(0);
        return writer.write(period, PERIOD);
    }

    /** What both turns share that is not the write. */
    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public long hardwarePeriodOnly() {
        playOnePeriod(1);
        return driver.stream(1).runtime.hwPtr();
    }
}
