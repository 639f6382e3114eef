package pcmshare.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Timeline;
import pcmshare.core.api.impl.fence.CoreFences;

/**
 * Signal-to-wake latency: a fence signalled while another thread is parked on it,
 * beside the physical limit of the JVM, a bare LockSupport park/unpark handoff,
 * and beside the LMAX Disruptor's blocking wait strategy.
 *
 * <p>Both are ping-pongs with a helper thread: one operation is a round trip, two
 * signal-to-wake handoffs, so the one-way latency is half of each figure.
 * {@code fenceRoundTrip} creates the two fences it waits on, as a sw_sync user
 * does; {@code existingFenceRoundTrip} waits on fences made before the run, so
 * that {@code -prof gc} shows what signalling and waiting alone allocate.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FenceWakeBenchmark {

    /** Two sw_sync timelines: the benchmark thread advances ping, the helper advances pong. */
    abstract static class TimelinePingPong {
        final Fences fences = new CoreFences();
        Timeline ping;
        Timeline pong;
        Thread helper;
        long round;

        /** The fence of round {@code i} on {@code t}. */
        abstract Fence fenceAt(Timeline t, long i);

        void startTimelines() {
            ping = fences.newTimeline("ping");
            pong = fences.newTimeline("pong");
        }

        void startHelper(String name) {
            helper = Thread.ofPlatform().name(name).daemon().start(this::answer);
        }

        private void answer() {
            try {
                for (long i = 1;; i++) {
                    Fence f = fenceAt(ping, i);
                    f.await();
                    if (f.error() != null) {
                        return; // ping closed
                    }
                    pong.advance(1);
                }
            } catch (InterruptedException | ErrnoException e) {
                // closed or stopped: the run is over
            }
        }

        void stopAll() throws InterruptedException {
            // every round the benchmark counted was one signal each way and one wake each way
            if (ping.value() != round || pong.value() != round) {
                ping.close();
                pong.close();
                throw new IllegalStateException("fence ping-pong: " + round + " rounds, ping at " + ping.value()
                        + ", pong at " + pong.value());
            }
            ping.close();
            pong.close();
            helper.join(10_000);
        }
    }

    /** Each round makes its fences, as a sw_sync user does. */
    @State(Scope.Thread)
    public static class FencePingPong extends TimelinePingPong {
        @Setup(Level.Trial)
        public void start() {
            startTimelines();
            startHelper("fence-pong");
        }

        @Override
        Fence fenceAt(Timeline t, long i) {
            return t.createFence(i);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stopAll();
        }
    }

    /**
     * Fences made in advance, in the trial set-up, which JMH runs inside the first
     * warm-up iteration: the measured iterations only signal and wait. A run
     * longer than the pool falls back to making fences, which -prof gc would show.
     */
    @State(Scope.Thread)
    public static class ExistingFencePingPong extends TimelinePingPong {
        static final int POOL = 1 << 20;
        Fence[] pings;
        Fence[] pongs;

        @Setup(Level.Trial)
        public void start() {
            startTimelines();
            pings = new Fence[POOL + 1];
            pongs = new Fence[POOL + 1];
            for (int i = 1; i <= POOL; i++) {
                pings[i] = ping.createFence(i);
                pongs[i] = pong.createFence(i);
            }
            startHelper("existing-fence-pong");
        }

        @Override
        Fence fenceAt(Timeline t, long i) {
            if (i <= POOL) {
                return t == ping ? pings[(int) i] : pongs[(int) i];
            }
            return t.createFence(i);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stopAll();
        }
    }

    /** The same handoff with nothing but volatile counters and park/unpark. */
    @State(Scope.Thread)
    public static class ParkPingPong {
        volatile long ping;
        volatile long pong;
        volatile boolean stopped;
        Thread benchmarkThread;
        Thread helper;
        long round;

        @Setup(Level.Trial)
        public void start() {
            benchmarkThread = Thread.currentThread();
            helper = Thread.ofPlatform().name("park-pong").daemon().start(this::answer);
        }

        private void answer() {
            for (long i = 1;; i++) {
                while (ping < i) {
                    if (stopped) {
                        return;
                    }
                    LockSupport.park(this);
                }
                pong = i;
                LockSupport.unpark(benchmarkThread);
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stopped = true;
            LockSupport.unpark(helper);
            helper.join(10_000);
            if (pong != round) {
                throw new IllegalStateException("park ping-pong: " + pong + " answers to " + round + " pings");
            }
        }
    }

    /**
     * The same handoff through two LMAX Disruptor rings with the blocking wait
     * strategy (a lock and a condition): the benchmark thread publishes on ping and
     * waits on pong's barrier; the helper waits on ping's barrier and publishes on pong.
     */
    @State(Scope.Thread)
    public static class DisruptorPingPong {
        static final int SIZE = 1024;
        RingBuffer<long[]> ping;
        RingBuffer<long[]> pong;
        SequenceBarrier pingBarrier;
        SequenceBarrier pongBarrier;
        final Sequence pongSeen = new Sequence();
        final Sequence pingSeen = new Sequence();
        Thread helper;
        long round;

        @Setup(Level.Trial)
        public void start() {
            ping = RingBuffer.createSingleProducer(() -> new long[1], SIZE, new BlockingWaitStrategy());
            pong = RingBuffer.createSingleProducer(() -> new long[1], SIZE, new BlockingWaitStrategy());
            ping.addGatingSequences(pingSeen);
            pong.addGatingSequences(pongSeen);
            pingBarrier = ping.newBarrier();
            pongBarrier = pong.newBarrier();
            helper = Thread.ofPlatform().name("disruptor-pong").daemon().start(this::answer);
        }

        private void answer() {
            try {
                for (long i = 0;; i++) {
                    pingBarrier.waitFor(i);
                    pingSeen.set(i);
                    long n = pong.next();
                    pong.publish(n);
                }
            } catch (AlertException | InterruptedException | TimeoutException e) {
                // alerted: the run is over
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            pingBarrier.alert();
            helper.join(10_000);
            if (pongSeen.get() != round - 1) {
                throw new IllegalStateException("disruptor ping-pong: " + (pongSeen.get() + 1) + " answers to "
                        + round + " pings");
            }
        }
    }

    @Benchmark
    public long disruptorBlockingRoundTrip(DisruptorPingPong s) throws Exception {
        long n = s.round++;
        long seq = s.ping.next();
        s.ping.publish(seq);
        s.pongBarrier.waitFor(n);
        s.pongSeen.set(n);
        return n;
    }

    @Benchmark
    public Fence fenceRoundTrip(FencePingPong s) throws InterruptedException {
        long n = ++s.round;
        Fence answer = s.pong.createFence(n);
        s.ping.advance(1);
        answer.await();
        return answer;
    }

    @Benchmark
    public Fence existingFenceRoundTrip(ExistingFencePingPong s) throws InterruptedException {
        long n = ++s.round;
        Fence answer = s.fenceAt(s.pong, n);
        s.ping.advance(1);
        answer.await();
        return answer;
    }

    @Benchmark
    public long parkUnparkRoundTrip(ParkPingPong s) {
        long n = ++s.round;
        s.ping = n;
        LockSupport.unpark(s.helper);
        while (s.pong < n) {
            LockSupport.park(s);
        }
        return n;
    }
}
