package pcmshare.bench;

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

/**
 * pcmshare's two-thread handoff against Agrona's OneToOneRingBuffer by turns, in
 * one fork: both rings, with their consumer threads, live for the whole trial;
 * each short iteration hands periods through one of them while the other's
 * consumer parks, and the turns go in pairs of both orders ({@link Paired}).
 * The ratio of each pair compares two contenders that ran a fraction of a
 * second apart, on whatever cores the machine gave both: on a shared two-core
 * machine a two-thread handoff runs several times faster or slower from one
 * second to the next (how far apart the two cores are, what else runs), which
 * separate runs of each contender turn into a ratio that decides nothing.
 *
 * <p>Contender a is Agrona's ring, b is pcmshare's ({@link #pcmshare}: the mmap
 * path or the loopback card, as in {@link HandoffBenchmark}); every period is
 * stamped and checked as there, and the trial's end verifies both rings lost,
 * reordered and corrupted nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = HandoffByTurnsBenchmark.WARMUP, time = HandoffByTurnsBenchmark.MILLIS,
        timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = HandoffByTurnsBenchmark.ITERATIONS, time = HandoffByTurnsBenchmark.MILLIS,
        timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class HandoffByTurnsBenchmark {
    /** Warm-up iterations, alternating, so that both contenders are compiled. */
    static final int WARMUP = 10;
    /** Measurement iterations: a multiple of 4, so that each order of a pair runs as often. */
    static final int ITERATIONS = 40;
    static final int MILLIS = 200;

    @Param({ "512", "2048", "8192" })
    public int periodBytes;

    /**
     * pcmshare's side: {@code mmap} (the mmap path) or {@code loopback} (driver.aloop's card); by hand,
     * {@code -p pcmshare=agrona} is the control, a second Agrona ring in b's turns, whose ratio must come out 1.
     */
    @Param({ "mmap", "loopback" })
    public String pcmshare;

    private HandoffBenchmark.Contender agrona;
    private HandoffBenchmark.Contender pcm;
    private HandoffBenchmark.Contender active;
    private int warmups;
    private int measurements;

    @Setup(Level.Trial)
    public void setup() {
        HandoffBenchmark.AgronaRing a = new HandoffBenchmark.AgronaRing();
        a.periodBytes = periodBytes;
        a.setup();
        a.pause();
        agrona = a;
        pcm = switch (pcmshare) {
            case "mmap" -> {
                HandoffBenchmark.PcmMmap m = new HandoffBenchmark.PcmMmap();
                m.periodBytes = periodBytes;
                m.setup();
                yield m;
            }
            case "loopback" -> {
                HandoffBenchmark.PcmLoopback l = new HandoffBenchmark.PcmLoopback();
                l.periodBytes = periodBytes;
                l.setup();
                yield l;
            }
            case "agrona" -> {
                HandoffBenchmark.AgronaRing control = new HandoffBenchmark.AgronaRing();
                control.periodBytes = periodBytes;
                control.setup();
                yield control;
            }
            default -> throw new IllegalArgumentException("pcmshare: mmap, loopback or agrona, not " + pcmshare);
        };
        pcm.pause();
    }

    /** The turn of this iteration: alternating in the warm-up, in pairs of both orders in the measurement. */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) {
        boolean b = iteration.getType() == IterationType.WARMUP ? (warmups++ & 1) == 1
                : Paired.bAt(measurements++);
        active = b ? pcm : agrona;
        active.resume();
    }

    @TearDown(Level.Iteration)
    public void endTurn() {
        active.pause();
    }

    /** One period through the ring whose turn it is: one call site for both. */
    @Benchmark
    public long byTurns() {
        return active.produce();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        try {
            if (agrona instanceof HandoffBenchmark.AgronaRing a) {
                a.tearDown();
            }
        } finally {
            switch (pcm) {
                case HandoffBenchmark.PcmMmap m -> m.tearDown();
                case HandoffBenchmark.PcmLoopback l -> l.tearDown();
                case HandoffBenchmark.AgronaRing control -> control.tearDown();
                case null, default -> {
                }
            }
        }
    }
}
