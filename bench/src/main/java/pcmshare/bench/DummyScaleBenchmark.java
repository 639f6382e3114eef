package pcmshare.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

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

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.driver.dummy.DummyCard;
import pcmshare.driver.dummy.DummySettings;
import pcmshare.driver.dummy.TimerMode;

/**
 * How a dummy card scales with running substreams (48 kHz, stereo S16_LE,
 * 256-frame periods, 4 periods).
 *
 * <p>On a manual clock, one operation is one period of {@code substreams}
 * running substreams: the card's timer reports every period, the core moves
 * hw_ptr, and (playback) the application writes the period back. Divide the
 * score by the substream count for the cost per substream-period; multiply by
 * 187.5 periods/s for the CPU share one substream takes. Beside it, the floor
 * the kernel's snd-dummy design would pay before doing any work: one clock
 * timer per substream, re-armed every period.
 *
 * <p>{@link #main} is the capacity probe: substreams on the real monotonic
 * clock, one application thread servicing all of them, a few seconds per
 * count, and the largest count that ran with no xrun.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DummyScaleBenchmark {
    static final int RATE = 48_000;
    static final long PERIOD = 256;
    static final int PERIODS = 4;
    static final HwParams PARAMS = HwParams.of(SampleFormat.S16_LE, 2, RATE, PERIOD, PERIODS);

    @Param({ "1", "16", "256" })
    public int substreams;

    @Param({ "HRTIMER", "SYSTICK" })
    public TimerMode mode;

    private ManualClock clock;
    private PcmEngine engine;
    private DummyCard card;
    private final List<PcmSubstream> playback = new ArrayList<>();
    private final List<PcmSubstream> capture = new ArrayList<>();
    private PcmSubstream[] playbackArray;
    private Arena arena;
    private MemorySegment period;
    private long periodNanos;
    /** The baseline's own clock, so that its runs leave the card alone. */
    private ManualClock bareClock;
    private Clock.Timer[] bareTimers;
    private Runnable[] bareTasks;

    @Setup(Level.Trial)
    public void setup() {
        clock = new ManualClock();
        engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        card = new DummyCard(DummySettings.builder().id("scale").timerMode(mode).substreams(substreams, substreams)
                .build());
        String id = engine.addCard(card);
        arena = Arena.ofConfined();
        // a whole buffer: with the system tick a period's worth of time can free more than a period
        period = arena.allocate(PARAMS.bufferBytes());
        periodNanos = PARAMS.framesToNanos(PERIOD);
        for (int i = 0; i < substreams; i++) {
            PcmSubstream p = engine.open(id, 0, Direction.PLAYBACK, i, true);
            p.hwParams(PARAMS);
            p.prepare();
            for (int k = 0; k < PERIODS; k++) {
                p.write(period, PERIOD);
            }
            playback.add(p);
            PcmSubstream c = engine.open(id, 0, Direction.CAPTURE, i, true);
            c.hwParams(PARAMS);
            c.swParams(c.swParams().withStopThreshold(c.swParams().boundary()));
            c.prepare();
            c.start();
            capture.add(c);
            // staggered starts: in HRTIMER mode every substream has a deadline of its own
            clock.advance(periodNanos / substreams);
        }
        playbackArray = playback.toArray(PcmSubstream[]::new);

        bareClock = new ManualClock();
        bareTimers = new Clock.Timer[substreams];
        bareTasks = new Runnable[substreams];
        for (int i = 0; i < substreams; i++) {
            int slot = i;
            long[] deadline = { periodNanos * (i + 1) / substreams };
            bareTasks[i] = () -> {
                deadline[0] += periodNanos;
                bareTimers[slot].schedule(deadline[0]);
            };
            bareTimers[i] = bareClock.newTimer(bareTasks[i]);
            bareTimers[i].schedule(deadline[0]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (PcmSubstream s : playback) {
            if (s.state() != PcmState.RUNNING) {
                throw new IllegalStateException("playback stopped: " + s.status());
            }
        }
        for (Clock.Timer t : bareTimers) {
            t.cancel();
        }
        engine.removeAll();
        card.shutdown();
        arena.close();
    }

    /** One period of every substream: the card's timer, the core, and the application writing a period back. */
    @Benchmark
    public long periodWithApplication() {
        clock.advance(periodNanos);
        long total = 0;
        for (PcmSubstream s : playbackArray) {
            long avail = s.avail();
            if (avail > 0) {
                total += s.write(period, avail);
            }
        }
        return total;
    }

    /** The floor of one-timer-per-substream pacing: a bare clock timer per substream, re-armed each period. */
    @Benchmark
    public long baselineTimerPerSubstream() {
        bareClock.advance(periodNanos);
        return bareClock.nanoTime();
    }

    // ---------------------------------------------------------------- capacity on the real clock

    /** Result of one capacity run. */
    record Run(int substreams, TimerMode mode, long xruns, long framesPlayed, double appCpuShare,
            double processCpuShare) {
    }

    /**
     * Runs {@code n} playback substreams on the monotonic clock for {@code seconds},
     * serviced by the calling thread: each pass writes a period to every substream
     * that has room for one, then parks briefly.
     */
    static Run run(int n, TimerMode mode, int slackMicros, double seconds) {
        PcmEngine engine = new PcmEngine(Clock.monotonic(), Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        DummyCard card = new DummyCard(DummySettings.builder().id("capacity").timerMode(mode)
                .timerSlackMicros(slackMicros).substreams(n, 1).build());
        String id = engine.addCard(card);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment period = arena.allocate(PERIOD * PARAMS.frameBytes());
            PcmSubstream[] streams = new PcmSubstream[n];
            for (int i = 0; i < n; i++) {
                streams[i] = engine.open(id, 0, Direction.PLAYBACK, i, true);
                streams[i].hwParams(PARAMS);
                streams[i].swParams(streams[i].swParams().withStartThreshold(streams[i].swParams().boundary()));
                streams[i].prepare();
                for (int k = 0; k < PERIODS; k++) {
                    streams[i].write(period, PERIOD);
                }
            }
            // setting up takes longer than a buffer plays: start all once all are filled
            for (PcmSubstream s : streams) {
                s.start();
            }
            var bean = java.lang.management.ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpu0 = bean.getCurrentThreadCpuTime();
            long process0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (PcmSubstream s : streams) {
                    try {
                        if (s.avail() >= PERIOD) {
                            s.write(period, PERIOD);
                        }
                    } catch (ErrnoException e) {
                        // an underrun (counted by the core): start again with a full buffer
                        s.prepare();
                        for (int k = 0; k < PERIODS; k++) {
                            s.write(period, PERIOD);
                        }
                        s.start();
                    }
                }
                LockSupport.parkNanos(200_000);
            }
            double elapsed = System.nanoTime() - t0;
            double cpu = (bean.getCurrentThreadCpuTime() - cpu0) / elapsed;
            double process = (os.getProcessCpuTime() - process0) / elapsed;
            long xruns = 0;
            long played = 0;
            for (PcmSubstream s : streams) {
                var st = s.status();
                xruns += st.xrunCount();
                played += st.hwPtr();
            }
            for (PcmSubstream s : streams) {
                s.close();
            }
            return new Run(n, mode, xruns, played, cpu, process);
        } finally {
            engine.removeAll();
            card.shutdown();
        }
    }

    /** The substream counts the capacity probe tries, in order. */
    static final int[] PROBE_COUNTS = { 64, 128, 256, 384, 512, 768, 1024, 1536, 2048 };

    /**
     * The capacity probe for one timer mode: runs {@link #PROBE_COUNTS} in order,
     * {@code seconds} each, until a count had an xrun in each of its {@code attempts}
     * runs. On a machine shared with other work one descheduling longer than a
     * buffer is an xrun that says nothing about pcmshare: a count passes when one
     * of its attempts ran clean. Every run is returned, the failed attempts too.
     */
    static List<Run> probe(TimerMode mode, int slackMicros, double seconds, int attempts, Consumer<Run> progress) {
        List<Run> runs = new ArrayList<>();
        for (int n : PROBE_COUNTS) {
            boolean clean = false;
            for (int a = 0; a < attempts && !clean; a++) {
                Run r = run(n, mode, slackMicros, seconds);
                runs.add(r);
                progress.accept(r);
                clean = r.xruns() == 0;
            }
            if (!clean) {
                break;
            }
        }
        return runs;
    }

    /** The largest substream count that ran with no xrun, 0 when none did. */
    static int largestWithoutXrun(List<Run> runs) {
        int best = 0;
        for (Run r : runs) {
            if (r.xruns() == 0) {
                best = Math.max(best, r.substreams());
            }
        }
        return best;
    }

    static String describe(Run r, int slackMicros, double seconds) {
        return String.format("%-8s slack %4d us %5d substreams: %d xruns, %.1f%% of expected frames, "
                + "application thread %.0f%%, whole process %.0f%% of a core", r.mode(), slackMicros, r.substreams(),
                r.xruns(), 100.0 * r.framesPlayed() / (r.substreams() * (double) RATE * seconds),
                100 * r.appCpuShare(), 100 * r.processCpuShare());
    }

    /**
     * The capacity probe: {@code [seconds per run] [slack in us] [mode...]}. Prints
     * each run and the largest substream count with no xrun.
     */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int slack = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        List<TimerMode> modes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            modes.add(TimerMode.valueOf(args[i]));
        }
        if (modes.isEmpty()) {
            modes = List.of(TimerMode.HRTIMER, TimerMode.SYSTICK);
        }
        run(64, TimerMode.HRTIMER, slack, 1); // warm-up
        for (TimerMode mode : modes) {
            List<Run> runs = probe(mode, slack, seconds, 1, r -> System.out.println(describe(r, slack, seconds)));
            System.out.printf("%-8s slack %4d us: largest substream count with no xrun: %d%n", mode, slack,
                    largestWithoutXrun(runs));
        }
    }
}
