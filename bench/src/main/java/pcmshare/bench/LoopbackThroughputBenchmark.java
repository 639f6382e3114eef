package pcmshare.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
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

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.driver.aloop.Loopback;
import pcmshare.driver.aloop.LoopbackLog;
import pcmshare.driver.aloop.LoopbackSettings;

/**
 * Loopback throughput on a free-running clock: one period written to the
 * playback end, the manual clock moved one period (the cable's period timer
 * copies it into the capture ring), the period read from the capture end.
 * Beside it, in the same run, one plain {@link MemorySegment#copy} of a period
 * (what the cable itself does) and the path's own three copies (write, cable,
 * read) on the same memory: into a ring the size of the playback ring, from it
 * into one the size of the capture ring, out of that, the ring slot moving a
 * period each time as the loopback's does.
 * The {@code bytes} counter is payload bytes per second. Setup and teardown
 * check that the bytes arrived: every captured period equals what was played,
 * and the capture counted every frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopbackThroughputBenchmark {
    private static final int RATE = 48_000;
    private static final int PERIODS = 4;

    /** Frames per period (S16_LE stereo: 4 bytes a frame). */
    @Param({ "256", "4096" })
    public int periodFrames;

    private ManualClock clock;
    private PcmSubstream playback;
    private PcmSubstream capture;
    private MemorySegment src;
    private MemorySegment dst;
    private MemorySegment hop1;
    private MemorySegment hop2;
    private long startNanos;
    private long periods;
    /** The ring slot the three copies use next. */
    private long slot;
    private long periodBytes;
    private long written;
    private long read;

    /** Payload bytes, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        LoopbackLog quiet = new LoopbackLog() {
            @Override
            public void warn(String message) {
            }

            @Override
            public void info(String message) {
            }
        };
        String id = engine.addCard(new Loopback(LoopbackSettings.defaults().withSubstreams(1), quiet));
        HwParams p = HwParams.of(SampleFormat.S16_LE, 2, RATE, periodFrames, PERIODS);
        periodBytes = (long) periodFrames * p.frameBytes();
        byte[] random = new byte[(int) periodBytes];
        new Random(1).nextBytes(random);
        src = Arena.ofAuto().allocate(periodBytes);
        MemorySegment.copy(MemorySegment.ofArray(random), 0, src, 0, periodBytes);
        dst = Arena.ofAuto().allocate(periodBytes);
        // the rings the three copies go through: the loopback's geometry, PERIODS periods each
        hop1 = Arena.ofAuto().allocate(periodBytes * PERIODS, 64);
        hop2 = Arena.ofAuto().allocate(periodBytes * PERIODS, 64);
        playback = engine.open(id, 0, Direction.PLAYBACK, 0, true);
        capture = engine.open(id, 1, Direction.CAPTURE, 0, true);
        playback.hwParams(p);
        capture.hwParams(p);
        playback.prepare();
        capture.prepare();
        capture.start();
        // two periods in flight: the playback never runs dry, the capture never overflows
        written += playback.write(src, periodFrames);
        written += playback.write(src, periodFrames);
        startNanos = clock.nanoTime();
        nextPeriod();
        read += capture.read(dst, periodFrames);
        check("setup");
    }

    @Benchmark
    public long loopback(Bytes counter) {
        written += playback.write(src, periodFrames);
        nextPeriod();
        long n = capture.read(dst, periodFrames);
        read += n;
        counter.bytes += periodBytes;
        return n;
    }

    @Benchmark
    public MemorySegment memcpyPeriod(Bytes counter) {
        MemorySegment.copy(src, 0, dst, 0, periodBytes);
        counter.bytes += periodBytes;
        return dst;
    }

    @Benchmark
    public MemorySegment memcpyPeriodThreeTimes(Bytes counter) {
        long at = (slot++ & (PERIODS - 1)) * periodBytes;
        MemorySegment.copy(src, 0, hop1, at, periodBytes);
        MemorySegment.copy(hop1, at, hop2, at, periodBytes);
        MemorySegment.copy(hop2, at, dst, 0, periodBytes);
        counter.bytes += periodBytes;
        return dst;
    }

    /** Moves the clock to the end of the next period, measured from the start so that no rounding adds up. */
    private void nextPeriod() {
        periods++;
        long frames = periods * periodFrames;
        clock.advanceTo(startNanos + frames / RATE * 1_000_000_000L
                + (frames % RATE * 1_000_000_000L + RATE - 1) / RATE);
    }

    @TearDown(Level.Trial)
    public void teardown() {
        check("teardown");
        playback.close();
        capture.close();
    }

    private void check(String when) {
        if (MemorySegment.mismatch(src, 0, periodBytes, dst, 0, periodBytes) != -1) {
            throw new IllegalStateException(when + ": the captured period differs from the played one");
        }
        if (written - read != periodFrames) {
            // written and not read: the one period still queued in the playback ring, nothing else
            throw new IllegalStateException(when + ": frames lost: written " + written + ", read " + read);
        }
        if (capture.status().xrunCount() != 0 || playback.status().xrunCount() != 0) {
            throw new IllegalStateException(when + ": xrun");
        }
    }
}
