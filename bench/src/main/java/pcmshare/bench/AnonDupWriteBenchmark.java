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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

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
 * and through a MONITOR dup of a twin substream, in one run. The dup adds one
 * bit test and the registration that lets revoke wake a blocked writer; the
 * target is within 5% of the original. {@link #hardwarePeriodOnly} is the part
 * both share that is not the write. Run with {@code -prof gc}: nothing allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AnonDupWriteBenchmark {
    private static final int RATE = 48_000;
    private static final long PERIOD = 256;
    private static final int PERIODS = 4;

    private ManualClock clock;
    private PcmEngine engine;
    private HandCard driver;
    private AnonDupBackend backend;
    private PcmSubstream original;
    private PcmSubstream twin;
    private PcmSubstream monitor;
    private PcmSubstream idle;
    private MemorySegment period;
    private long periodNanos;

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        driver = new HandCard("anondup-bench", 3, 0);
        String id = engine.addCard(driver);
        HwParams p = HwParams.of(SampleFormat.S16_LE, 2, RATE, PERIOD, PERIODS);
        periodNanos = p.framesToNanos(PERIOD);
        period = Arena.ofAuto().allocate(PERIOD * p.frameBytes());
        period.fill((byte) 0x11);
        backend = new AnonDupBackend();
        original = running(id, 0, p);
        twin = running(id, 1, p);
        idle = running(id, 2, p);
        monitor = backend.dup(twin, Preset.MONITOR, "bench");
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

    @TearDown(Level.Trial)
    public void tearDown() {
        for (PcmSubstream s : List.of(original, twin, idle)) {
            if (s.state() != PcmState.RUNNING) {
                throw new IllegalStateException("the stream stopped: " + s);
            }
        }
        monitor.close();
        original.close();
        twin.close();
        idle.close();
    }

    private void playOnePeriod(int sub) {
        clock.advance(periodNanos);
        HandCard.Stream s = driver.stream(sub);
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
    }

    @Benchmark
    public long writeThroughOriginal() {
        playOnePeriod(0);
        return original.write(period, PERIOD);
    }

    @Benchmark
    public long writeThroughMonitorDup() {
        playOnePeriod(1);
        return monitor.write(period, PERIOD);
    }

    /** What the two above share that is not the write. */
    @Benchmark
    public long hardwarePeriodOnly() {
        playOnePeriod(2);
        return driver.stream(2).runtime.hwPtr();
    }
}
