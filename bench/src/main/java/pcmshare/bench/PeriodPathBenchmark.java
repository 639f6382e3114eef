package pcmshare.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

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
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * The steady-state period path of the PCM core — the driver's pointer moves a
 * period, it reports period elapsed, the core updates hw_ptr, checks for xrun
 * and decides whether to wake — on a manual clock, beside its physical floor
 * (one uncontended lock round trip with the same pointer arithmetic). Run with
 * {@code -prof gc}: the period path must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeriodPathBenchmark {
    private static final int RATE = 48_000;
    private static final long PERIOD = 256;
    private static final int PERIODS = 4;

    private ManualClock clock;
    private PcmEngine engine;
    private PcmSubstream playback;
    private PcmSubstream capture;
    private BenchDriver driver;
    private long periodNanos;

    private final ReentrantLock floorLock = new ReentrantLock();
    private long floorPos;
    private long floorHwPtr;

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        driver = new BenchDriver();
        String id = engine.addCard(driver);
        HwParams p = HwParams.of(SampleFormat.S16_LE, 2, RATE, PERIOD, PERIODS);
        periodNanos = p.framesToNanos(PERIOD);

        // playback whose application keeps up (stop_threshold at the boundary: every period runs the
        // full xrun check without ever stopping)
        playback = engine.open(id, 0, Direction.PLAYBACK, 0, false);
        playback.hwParams(p);
        playback.swParams(playback.swParams().withStopThreshold(playback.swParams().boundary()));
        playback.prepare();
        playback.start();

        capture = engine.open(id, 0, Direction.CAPTURE, 0, false);
        capture.hwParams(p);
        capture.swParams(capture.swParams().withStopThreshold(capture.swParams().boundary()));
        capture.prepare();
        capture.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (playback.state() != PcmState.RUNNING || capture.state() != PcmState.RUNNING) {
            throw new IllegalStateException("the stream stopped: " + playback.state() + "/" + capture.state());
        }
        playback.close();
        capture.close();
    }

    @Benchmark
    public long playbackPeriodElapsed() {
        clock.advance(periodNanos);
        BenchDriver.Stream s = driver.playback;
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
        return s.runtime.hwPtr();
    }

    @Benchmark
    public long capturePeriodElapsed() {
        clock.advance(periodNanos);
        BenchDriver.Stream s = driver.capture;
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
        return s.runtime.hwPtr();
    }

    /** The floor: one lock round trip and the pointer arithmetic, nothing else. */
    @Benchmark
    public long floorLockAndPointer() {
        floorLock.lock();
        try {
            floorPos = (floorPos + PERIOD) % (PERIOD * PERIODS);
            floorHwPtr += PERIOD;
            return floorHwPtr;
        } finally {
            floorLock.unlock();
        }
    }

    /** A driver as small as the SPI allows: the position is set by the benchmark. */
    static final class BenchDriver implements SoundCardDriver {
        Stream playback;
        Stream capture;

        @Override
        public String id() {
            return "bench";
        }

        @Override
        public String name() {
            return "benchmark card";
        }

        @Override
        public List<PcmDeviceInfo> devices() {
            HwConstraints c = HwConstraints.typical();
            return List.of(new PcmDeviceInfo(0, "bench", 1, 1, c, c));
        }

        @Override
        public PcmOps open(PcmRuntime runtime) {
            Stream s = new Stream(runtime);
            if (runtime.direction() == Direction.PLAYBACK) {
                playback = s;
            } else {
                capture = s;
            }
            return s;
        }

        static final class Stream implements PcmOps {
            final PcmRuntime runtime;
            long pos;

            Stream(PcmRuntime runtime) {
                this.runtime = runtime;
            }

            @Override
            public void trigger(Trigger command) {
            }

            @Override
            public long pointer() {
                return pos;
            }
        }
    }
}
