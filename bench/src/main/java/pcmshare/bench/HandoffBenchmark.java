package pcmshare.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;
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

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * Period handoff throughput: one producer thread hands periods to one consumer
 * thread through a ring of {@value #DEPTH} periods. One operation is one period
 * produced by the benchmark thread (copied in and stamped, see {@link Periods});
 * a consumer thread started in the trial set-up copies each period out and checks
 * it. The score is periods/s; times the period size, bytes/s. In a bounded ring
 * the producer cannot run ahead of the consumer by more than the ring, so the
 * producer's rate is the handoff's rate.
 *
 * <p>Contenders, all moving the same bytes in the same run:
 * <ul>
 * <li>{@code limit_memoryCopy}: the physical limit, one {@code MemorySegment.copy}
 * of the period per operation on one thread, into a ring of the same size;</li>
 * <li>{@code pcmshare_mmap}: the application writes in place through
 * {@link PcmSubstream#mmapBegin}/{@link PcmSubstream#mmapCommit} of a playback
 * substream; the consumer is the card's hardware side, which reads each period out
 * of the ring buffer and reports it with {@link PcmRuntime#periodElapsed()};</li>
 * <li>{@code pcmshare_loopback}: playback write to capture read through the
 * loopback card of driver.aloop on a free-running clock: the producer writes a
 * period, the cable copies it into the capture ring, the consumer reads it;</li>
 * <li>{@code agrona_oneToOneRingBuffer}, {@code jctools_spscArrayQueue} (indices
 * of a preallocated pool, handed there and back), {@code disruptor} (preallocated
 * events, a batch event processor with the yielding wait strategy).</li>
 * </ul>
 * Waiting threads spin a little, then yield, the same way in every contender
 * ({@link Periods#idle}); the Disruptor's consumer waits with its own yielding strategy.
 * The trial tear-down waits for the consumer to take everything sent and compares
 * checksums: a contender that loses, reorders or corrupts a period fails instead of scoring.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class HandoffBenchmark {
    /** Periods in every ring. */
    static final int DEPTH = 16;

    /** What every contender shares: the period size, the periods, the consumer thread. */
    @State(Scope.Thread)
    public abstract static class Contender {
        @Param({ "512", "2048", "8192" })
        public int periodBytes;

        Arena arena;
        Periods periods;
        private Thread consumer;
        volatile boolean stopped;
        /** While true the consumer parks instead of polling ({@link HandoffByTurnsBenchmark}: the other's turn). */
        private volatile boolean paused;

        /** One period produced: what the benchmark method of each contender does. */
        abstract long produce();

        /** The consumer stops polling and parks until {@link #resume}; what is in the ring stays there. */
        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
            if (consumer != null) {
                LockSupport.unpark(consumer);
            }
        }

        void begin() {
            arena = Arena.ofShared();
            periods = new Periods(arena, periodBytes);
        }

        /** Starts the consumer thread; {@code poll} takes one period if one is there. */
        void startConsumer(String name, java.util.function.BooleanSupplier poll) {
            consumer = Thread.ofPlatform().name(name).daemon().start(() -> {
                int spins = 0;
                try {
                    while (!stopped) {
                        if (paused) {
                            LockSupport.park(this);
                            continue;
                        }
                        spins = poll.getAsBoolean() ? 0 : Periods.idle(spins);
                    }
                } catch (Throwable e) {
                    // the producer sees it in its next wait and fails the run
                    periods.receiver.failWith(e);
                }
            });
        }

        /** Producer side of every wait: gives up when the consumer failed. */
        int waitOnce(int spins) {
            if ((spins & 0xff) == 0xff) {
                periods.receiver.rethrow();
            }
            return Periods.idle(spins);
        }

        void end(String contender) throws InterruptedException {
            try {
                resume();
                periods.verify(contender);
            } finally {
                stopped = true;
                LockSupport.unpark(consumer);
                stopConsumer();
                if (consumer != null) {
                    consumer.join(10_000);
                }
                arena.close();
            }
        }

        /** Wakes a consumer that waits somewhere other than in {@link #startConsumer}'s loop. */
        void stopConsumer() {
        }
    }

    // ---------------------------------------------------------------- the limit

    /** One thread, one copy per period, no handoff: what the memory system does at best. */
    @State(Scope.Thread)
    public static class CopyLimit {
        @Param({ "512", "2048", "8192" })
        public int periodBytes;

        private Arena arena;
        private MemorySegment[] sources;
        private MemorySegment ring;
        private long copied;
        private long checksum;

        @Setup(Level.Trial)
        public void setup() {
            arena = Arena.ofConfined();
            sources = new MemorySegment[Periods.SOURCES];
            for (int k = 0; k < sources.length; k++) {
                sources[k] = arena.allocate(periodBytes, 64);
                sources[k].fill((byte) (k + 1));
                sources[k].set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, k);
            }
            ring = arena.allocate((long) DEPTH * periodBytes, 64);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            // every copy added the head of what landed in the ring: the sum of the sources' heads
            long expected = 0;
            for (long i = 0; i < copied; i++) {
                expected += i & (Periods.SOURCES - 1);
            }
            if (copied == 0 || checksum != expected) {
                throw new IllegalStateException("memory copy: " + copied + " copies, checksum " + checksum
                        + " instead of " + expected);
            }
            long last = (copied - 1) & (Periods.SOURCES - 1);
            long at = ((copied - 1) & (DEPTH - 1)) * periodBytes;
            if (ring.asSlice(at, periodBytes).mismatch(sources[(int) last]) != -1) {
                throw new IllegalStateException("memory copy: the last period in the ring is not its source");
            }
            arena.close();
        }

        long copyOne() {
            long i = copied;
            long at = (i & (DEPTH - 1)) * periodBytes;
            MemorySegment.copy(sources[(int) (i & (Periods.SOURCES - 1))], 0, ring, at, periodBytes);
            checksum += ring.get(java.lang.foreign.ValueLayout.JAVA_LONG, at);
            copied = i + 1;
            return checksum;
        }
    }

    @Benchmark
    public long limit_memoryCopy(CopyLimit s) {
        return s.copyOne();
    }

    // ---------------------------------------------------------------- pcmshare, mmap-style

    /** A playback substream written in place; the card's hardware side is the consumer thread. */
    public static class PcmMmap extends Contender {
        private PcmEngine engine;
        private PcmSubstream playback;
        private HandoffCard card;
        private long periodFrames;

        @Setup(Level.Trial)
        public void setup() {
            begin();
            engine = new PcmEngine(new ManualClock(), Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
            card = new HandoffCard(periods);
            String id = engine.addCard(card);
            HwParams p = HandoffCard.params(periodBytes);
            periodFrames = p.periodSize();
            playback = engine.open(id, 0, Direction.PLAYBACK, 0, true);
            playback.hwParams(p);
            // the hardware never runs ahead of the application, and an empty ring is no underrun
            playback.swParams(playback.swParams().withStopThreshold(playback.swParams().boundary()));
            playback.prepare();
            card.stream.boundary = playback.swParams().boundary();
            produce(); // playback cannot start empty
            playback.start();
            startConsumer("pcmshare-hardware", card.stream::consumeOne);
        }

        @Override
        long produce() {
            // the mmap loop of an ALSA application: mmap_begin says how much room there is
            for (int spins = 0;; spins = waitOnce(spins)) {
                MmapArea a = playback.mmapBegin(periodFrames);
                if (a.frames() == periodFrames) {
                    periods.sender.fill(a.buffer(), a.byteOffset(0, a.offset()));
                    return playback.mmapCommit(a.offset(), periodFrames);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            try {
                end("pcmshare mmap");
                if (playback.state() != PcmState.RUNNING) {
                    throw new IllegalStateException("pcmshare mmap: the stream stopped: " + playback.status());
                }
            } finally {
                playback.close();
                engine.removeAll();
            }
        }
    }

    @Benchmark
    public long pcmshare_mmap(PcmMmap s) {
        return s.produce();
    }

    /**
     * A card whose hardware is a thread: it reads each period the application
     * committed out of the ring buffer, as a DMA engine would, and reports it.
     */
    static final class HandoffCard implements SoundCardDriver {
        private final Periods periods;
        volatile Stream stream;

        HandoffCard(Periods periods) {
            this.periods = periods;
        }

        static HwParams params(int periodBytes) {
            // S16_LE stereo: four bytes a frame
            return HwParams.of(SampleFormat.S16_LE, 2, 48_000, periodBytes / 4, DEPTH)
                    .withAccess(Access.MMAP_INTERLEAVED);
        }

        @Override
        public String id() {
            return "handoff";
        }

        @Override
        public String name() {
            return "period handoff benchmark card";
        }

        @Override
        public List<PcmDeviceInfo> devices() {
            HwConstraints c = HwConstraints.typical();
            return List.of(new PcmDeviceInfo(0, "handoff", 1, 0, c, c));
        }

        @Override
        public PcmOps open(PcmRuntime runtime) {
            Stream s = new Stream(runtime, periods);
            stream = s;
            return s;
        }

        static final class Stream implements PcmOps {
            private static final java.lang.invoke.VarHandle POS;

            static {
                try {
                    POS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Stream.class, "pos", long.class);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }

            private final PcmRuntime runtime;
            private final Periods periods;
            private volatile boolean running;
            /**
             * The DMA position: written by the hardware thread with a release store just before it
             * reports the period (under the stream lock, which orders it for every later reader), read
             * by the core under the stream lock; no full fence on the period path.
             */
            private long pos;
            /** Frames the hardware has read, modulo the boundary. */
            private long consumed;
            private MemorySegment buffer;
            private long bufferSize;
            private long periodFrames;
            private long frameBytes;
            /** The substream's pointer boundary, set before start. */
            long boundary;
            /** appl_ptr as last read from the control page. */
            private long applSeen;

            Stream(PcmRuntime runtime, Periods periods) {
                this.runtime = runtime;
                this.periods = periods;
            }

            @Override
            public void hwParams(HwParams params) {
                bufferSize = params.bufferSize();
                periodFrames = params.periodSize();
                frameBytes = params.frameBytes();
            }

            @Override
            public void prepare() {
                consumed = 0;
                applSeen = 0;
                POS.setRelease(this, 0L);
            }

            @Override
            public void trigger(Trigger command) {
                if (command == Trigger.START) {
                    // read here, under the stream lock: the consumer thread sees it through the volatile write
                    buffer = runtime.buffer();
                }
                running = command == Trigger.START || command == Trigger.PAUSE_RELEASE || command == Trigger.RESUME;
            }

            @Override
            public long pointer() {
                return (long) POS.getAcquire(this);
            }

            private long queued(long applPtr) {
                long queued = applPtr - consumed;
                return queued < 0 ? queued + boundary : queued;
            }

            /** One period out of the ring, if the application committed one. */
            boolean consumeOne() {
                if (!running) {
                    return false;
                }
                if (queued(applSeen) < periodFrames) {
                    // read appl_ptr again only when what was seen is used up, as a consumer caches the
                    // producer's position (Agrona's head cache): one miss on its line per refill, not per poll
                    applSeen = runtime.applPtr();
                    if (queued(applSeen) < periodFrames) {
                        return false;
                    }
                }
                long frame = consumed % bufferSize;
                periods.receiver.take(buffer, frame * frameBytes);
                long next = consumed + periodFrames;
                consumed = next >= boundary ? next - boundary : next;
                POS.setRelease(this, (frame + periodFrames) % bufferSize);
                runtime.periodElapsed();
                return true;
            }
        }
    }

    // ---------------------------------------------------------------- pcmshare, loopback

    /**
     * Playback write to capture read through driver.aloop's loopback card: the
     * producer writes each period into the playback substream, the consumer reads
     * it from the capture end of the same cable. The card's clock is a manual clock
     * the consumer moves on by one period whenever the playback side holds a period
     * and the capture side has none: the clock runs as fast as the two ends allow.
     */
    public static class PcmLoopback extends Contender {
        private static final int RATE = 48_000;
        private PcmEngine engine;
        private ManualClock clock;
        private PcmSubstream playback;
        private PcmSubstream capture;
        private MemorySegment stage;
        private long periodFrames;
        private long bufferFrames;
        private long startNanos;
        /** Frames the consumer has let the clock run for. */
        private long clockFrames;

        @Setup(Level.Trial)
        public void setup() {
            begin();
            clock = new ManualClock();
            engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
            String id = engine.addCard(LoopbackHook.newCard());
            HwParams p = HwParams.of(SampleFormat.S16_LE, 2, RATE, periodBytes / 4, DEPTH);
            periodFrames = p.periodSize();
            bufferFrames = p.bufferSize();
            stage = arena.allocate(periodBytes, 64);
            // a cable: playback device 0 substream 0 is heard on capture device 1 substream 0
            capture = engine.open(id, 1, Direction.CAPTURE, 0, true);
            capture.hwParams(p);
            capture.swParams(capture.swParams().withStopThreshold(capture.swParams().boundary()));
            capture.prepare();
            playback = engine.open(id, 0, Direction.PLAYBACK, 0, true);
            playback.hwParams(p);
            playback.swParams(playback.swParams().withStopThreshold(playback.swParams().boundary()));
            playback.prepare();
            // the capture end runs first so that nothing played is lost; playback starts with its first write
            capture.start();
            startNanos = clock.nanoTime();
            produce();
            if (playback.state() != PcmState.RUNNING) {
                throw new IllegalStateException("pcmshare loopback: playback did not start: " + playback.status());
            }
            startConsumer("pcmshare-loopback-capture", this::consumeOne);
        }

        @Override
        long produce() {
            // an ALSA application's poll loop: avail_update reads the status page; the cable's timer moves it
            for (int spins = 0; playback.availUpdate() < periodFrames; spins = waitOnce(spins)) {
                // the cable has not taken a period yet
            }
            periods.sender.fill(stage, 0);
            return playback.write(stage, periodFrames);
        }

        boolean consumeOne() {
            if (capture.availUpdate() < periodFrames) {
                if (bufferFrames - playback.availUpdate() >= periodFrames) {
                    // to the end of the next period, counted from the start so that no rounding adds up
                    clockFrames += periodFrames;
                    clock.advanceTo(startNanos + clockFrames / RATE * 1_000_000_000L
                            + (clockFrames % RATE * 1_000_000_000L + RATE - 1) / RATE);
                }
                return false;
            }
            capture.read(periods.receiver.dst, periodFrames);
            periods.receiver.check(periods.receiver.dst, 0);
            return true;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            try {
                end("pcmshare loopback");
                if (playback.status().xrunCount() != 0 || capture.status().xrunCount() != 0) {
                    throw new IllegalStateException("pcmshare loopback: xrun: " + playback.status() + " / "
                            + capture.status());
                }
            } finally {
                capture.close();
                playback.close();
                engine.removeAll();
            }
        }
    }

    @Benchmark
    public long pcmshare_loopback(PcmLoopback s) {
        return s.produce();
    }

    // ---------------------------------------------------------------- peers

    /** Agrona's single-producer single-consumer ring of variable-length messages, off-heap. */
    public static class AgronaRing extends Contender {
        private OneToOneRingBuffer ring;
        private MemorySegment memory;
        private MessageHandler handler;

        @Setup(Level.Trial)
        public void setup() {
            begin();
            // a ring of DEPTH periods; the eight-byte message headers leave room for DEPTH - 1
            int capacity = DEPTH * periodBytes + RingBufferDescriptor.TRAILER_LENGTH;
            memory = arena.allocate(capacity, 64);
            ring = new OneToOneRingBuffer(new UnsafeBuffer(memory.address(), capacity));
            handler = (type, buffer, index, length) -> periods.receiver.take(memory, index);
            startConsumer("agrona-consumer", () -> ring.read(handler, 1) > 0);
        }

        @Override
        long produce() {
            int index;
            int spins = 0;
            while ((index = ring.tryClaim(1, periodBytes)) < 0) {
                spins = waitOnce(spins);
            }
            periods.sender.fill(memory, index);
            ring.commit(index);
            return index;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            end("Agrona OneToOneRingBuffer");
        }
    }

    @Benchmark
    public long agrona_oneToOneRingBuffer(AgronaRing s) {
        return s.produce();
    }

    /** Two JCTools SPSC queues handing pool indices to the consumer and back. */
    public static class JcToolsQueue extends Contender {
        private MemorySegment pool;
        private SpscArrayQueue<Integer> full;
        private SpscArrayQueue<Integer> free;

        @Setup(Level.Trial)
        public void setup() {
            begin();
            pool = arena.allocate((long) DEPTH * periodBytes, 64);
            full = new SpscArrayQueue<>(DEPTH);
            free = new SpscArrayQueue<>(DEPTH);
            for (int i = 0; i < DEPTH; i++) {
                free.offer(i); // small Integers are cached: handing them allocates nothing
            }
            startConsumer("jctools-consumer", () -> {
                Integer i = full.relaxedPoll();
                if (i == null) {
                    return false;
                }
                periods.receiver.take(pool, (long) i * periodBytes);
                free.offer(i);
                return true;
            });
        }

        @Override
        long produce() {
            Integer i;
            int spins = 0;
            while ((i = free.relaxedPoll()) == null) {
                spins = waitOnce(spins);
            }
            periods.sender.fill(pool, (long) i * periodBytes);
            full.offer(i);
            return i;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            end("JCTools SpscArrayQueue");
        }
    }

    @Benchmark
    public long jctools_spscArrayQueue(JcToolsQueue s) {
        return s.produce();
    }

    /** A preallocated event: one period of off-heap memory. */
    static final class Slot {
        MemorySegment period;
    }

    /** The LMAX Disruptor: a ring of preallocated events and a batch event processor. */
    public static class DisruptorRing extends Contender {
        private RingBuffer<Slot> ring;
        private BatchEventProcessor<Slot> processor;
        private Thread processorThread;

        @Setup(Level.Trial)
        public void setup() {
            begin();
            MemorySegment pool = arena.allocate((long) DEPTH * periodBytes, 64);
            ring = RingBuffer.createSingleProducer(Slot::new, DEPTH, new YieldingWaitStrategy());
            for (int i = 0; i < DEPTH; i++) {
                ring.get(i).period = pool.asSlice((long) i * periodBytes, periodBytes);
            }
            processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
                    (slot, sequence, endOfBatch) -> periods.receiver.take(slot.period, 0));
            ring.addGatingSequences(processor.getSequence());
            processorThread = Thread.ofPlatform().name("disruptor-consumer").daemon().start(processor);
        }

        @Override
        long produce() {
            int spins = 0;
            // next() would park 1 ns at a time when full; wait the way every other contender does
            while (!ring.hasAvailableCapacity(1)) {
                spins = waitOnce(spins);
            }
            long seq = ring.next();
            periods.sender.fill(ring.get(seq).period, 0);
            ring.publish(seq);
            return seq;
        }

        @Override
        void stopConsumer() {
            processor.halt();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            end("Disruptor");
            processorThread.join(10_000);
        }
    }

    @Benchmark
    public long disruptor(DisruptorRing s) {
        return s.produce();
    }
}
