package pcmshare.bench;

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
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
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
    private PcmSubstream heard;
    private HandCard driver;
    private HandCard listened;
    private final CountingListener listener = new CountingListener();
    private long periodNanos;

    private final ReentrantLock floorLock = new ReentrantLock();
    private long floorPos;
    private long floorHwPtr;

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        driver = new HandCard("bench", 1, 1);
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

        // a capture with a period listener: the core marks the event and wakes the handle's
        // listener thread, which runs the listener off this thread
        listened = new HandCard("bench-listened", 0, 1);
        String heardId = engine.addCard(listened);
        heard = engine.open(heardId, 0, Direction.CAPTURE, 0, false);
        heard.hwParams(p);
        heard.swParams(heard.swParams().withStopThreshold(heard.swParams().boundary()));
        heard.prepare();
        heard.start();
        heard.addPeriodListener(listener);
    }

    /** Counts what it hears; allocates nothing. */
    static final class CountingListener implements PeriodListener {
        volatile long calls;

        @Override
        public void periodElapsed(SubstreamView substream, long hwPtr) {
            calls++;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (playback.state() != PcmState.RUNNING || capture.state() != PcmState.RUNNING) {
            throw new IllegalStateException("the stream stopped: " + playback.state() + "/" + capture.state());
        }
        playback.close();
        capture.close();
        heard.close();
    }

    @Benchmark
    public long playbackPeriodElapsed() {
        clock.advance(periodNanos);
        HandCard.Stream s = driver.stream(0);
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
        return s.runtime.hwPtr();
    }

    @Benchmark
    public long capturePeriodElapsed() {
        clock.advance(periodNanos);
        HandCard.Stream s = driver.stream(1);
        s.pos = (s.pos + PERIOD) % (PERIOD * PERIODS);
        s.runtime.periodElapsed();
        return s.runtime.hwPtr();
    }

    /** As {@link #capturePeriodElapsed} with a period listener on the substream. */
    @Benchmark
    public long capturePeriodElapsedWithListener() {
        clock.advance(periodNanos);
        HandCard.Stream s = listened.stream(0);
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
}
