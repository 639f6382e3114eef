package pcmshare.core.api.testdriver;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.hw.HwRule;

/**
 * A third-party style driver written against the SPI only (driver, pcm, clock
 * and errno packages; nothing of the core's implementation): one PCM device
 * whose substreams are paced by a period timer on the card's clock. Capture
 * produces a ramp (frame n holds n in every byte of its first sample); playback
 * remembers the first byte of every frame it consumed. Tests may also move the
 * position by hand ({@link Stream#advance(long)}).
 */
public final class ToyCard implements SoundCardDriver {
    private final String id;
    private final HwConstraints constraints;
    private final int substreams;
    private final long skewPpm;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private volatile boolean paced = true;
    private volatile boolean failNextStart;
    private volatile Throwable closeFailure;
    private volatile List<HwRule> hwRules = List.of();

    public ToyCard(String id, HwConstraints constraints, int substreamsPerDirection) {
        this(id, constraints, substreamsPerDirection, 0);
    }

    public ToyCard(String id, HwConstraints constraints, int substreamsPerDirection, long skewPpm) {
        this.id = id;
        this.constraints = constraints;
        this.substreams = substreamsPerDirection;
        this.skewPpm = skewPpm;
    }

    /** Whether the period timer runs; off, tests move the hardware with {@link Stream#advance}. */
    public ToyCard paced(boolean on) {
        this.paced = on;
        return this;
    }

    /** Rules that substreams opened from now on add to their refinement (snd_pcm_hw_rule_add in open). */
    public ToyCard hwRules(HwRule... rules) {
        this.hwRules = List.of(rules);
        return this;
    }

    /** The next START trigger fails with EIO, as broken hardware would. */
    public void failNextStart() {
        failNextStart = true;
    }

    /** The driver's hw_free and close throw this from now on (an exception or an Error), as a broken driver would. */
    public void failClose(Throwable t) {
        closeFailure = t;
    }

    private void maybeFail() {
        Throwable t = closeFailure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "Toy card " + id;
    }

    @Override
    public long clockSkewPpm() {
        return skewPpm;
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "toy pcm", substreams, substreams, constraints, constraints));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime);
        streams.add(s);
        return s;
    }

    /** Substreams opened so far, oldest first (closed ones included). */
    public List<Stream> streams() {
        return List.copyOf(streams);
    }

    public Stream last() {
        return streams.get(streams.size() - 1);
    }

    /** One substream's hardware. */
    public final class Stream implements PcmOps {
        private final PcmRuntime runtime;
        private final List<HwRule> rules = hwRules;
        private final List<Trigger> triggers = Collections.synchronizedList(new ArrayList<>());
        private final List<Byte> played = Collections.synchronizedList(new ArrayList<>());
        private volatile long pos;
        private volatile boolean running;
        private volatile Clock.Timer timer;
        private volatile long produced;
        private volatile long fifo;
        private volatile boolean closed;
        private volatile boolean freed;
        private int generation;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
        }

        public PcmRuntime runtime() {
            return runtime;
        }

        public List<Trigger> triggers() {
            synchronized (triggers) {
                return List.copyOf(triggers);
            }
        }

        public List<Byte> played() {
            synchronized (played) {
                return List.copyOf(played);
            }
        }

        public boolean isRunning() {
            return running;
        }

        public boolean isClosed() {
            return closed;
        }

        public boolean isFreed() {
            return freed;
        }

        @Override
        public List<HwRule> hwRules() {
            return rules;
        }

        @Override
        public void hwParams(HwParams params) {
            freed = false;
        }

        @Override
        public void hwFree() {
            freed = true;
            maybeFail();
        }

        @Override
        public void prepare() {
            pos = 0;
            produced = 0;
        }

        @Override
        public synchronized void trigger(Trigger command) {
            triggers.add(command);
            switch (command) {
                case START -> {
                    if (failNextStart) {
                        failNextStart = false;
                        throw new ErrnoException(Errno.EIO, "trigger", runtime.state(), command, "toy hardware refused");
                    }
                    go();
                }
                case RESUME, PAUSE_RELEASE -> go();
                case STOP, PAUSE_PUSH, SUSPEND -> halt();
                case DRAIN -> {
                }
            }
        }

        private void go() {
            running = true;
            generation++;
            if (paced) {
                arm(runtime.clock().nanoTime(), generation);
            }
        }

        private void halt() {
            running = false;
            generation++;
            Clock.Timer t = timer;
            if (t != null) {
                t.cancel();
            }
        }

        private void arm(long from, int gen) {
            long periodNanos = runtime.hwParams().framesToNanos(runtime.hwParams().periodSize());
            long deadline = from + periodNanos;
            timer = runtime.clock().schedule(deadline, () -> tick(deadline, gen));
        }

        private void tick(long deadline, int gen) {
            synchronized (this) {
                if (!running || gen != generation) {
                    return;
                }
            }
            advance(runtime.hwParams().periodSize());
            synchronized (this) {
                if (running && gen == generation) {
                    arm(deadline, gen);
                }
            }
        }

        /** The hardware processes {@code frames} frames, then reports a period. */
        public void advance(long frames) {
            HwParams p = runtime.hwParams();
            long size = p.bufferSize();
            MemorySegment buf = runtime.buffer();
            int fb = p.frameBytes();
            for (long i = 0; i < frames; i++) {
                long at = (pos + i) % size;
                if (runtime.direction() == Direction.CAPTURE) {
                    byte v = (byte) produced++;
                    for (int b = 0; b < p.format().bytes(); b++) {
                        buf.set(ValueLayout.JAVA_BYTE, at * fb + b, v);
                    }
                } else {
                    played.add(buf.get(ValueLayout.JAVA_BYTE, at * fb));
                }
            }
            pos = (pos + frames) % size;
            runtime.periodElapsed();
        }

        /** Moves the position without reporting (a pointer read will see it). */
        public void move(long frames) {
            pos = (pos + frames) % runtime.hwParams().bufferSize();
        }

        @Override
        public long pointer() {
            return pos;
        }

        /** Frames the hardware holds past its position, as a FIFO would. */
        public void fifo(long frames) {
            fifo = frames;
        }

        @Override
        public long delay() {
            return fifo;
        }

        @Override
        public void close() {
            closed = true;
            halt();
            maybeFail();
        }
    }
}
