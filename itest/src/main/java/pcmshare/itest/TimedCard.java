package pcmshare.itest;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A card paced by a scheduled executor on the real clock, one period per tick,
 * for commands that must make progress in the container. Capture produces frame
 * {@code k} as bytes all equal to {@code (byte) k}; playback keeps what it
 * consumed, so tests can compare both ends bit for bit.
 */
final class TimedCard implements SoundCardDriver {
    static final String TIMER = "itest scheduled executor";

    private final String id;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "itest-timed-card");
        t.setDaemon(true);
        return t;
    });
    private final ByteArrayOutputStream played = new ByteArrayOutputStream();

    TimedCard(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "itest timed card";
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        // S16_LE/S32_LE only, so that other formats are refused; 8 periods, so that a busy machine does not underrun
        HwConstraints c = HwConstraints.typical()
                .withFormats(EnumSet.of(SampleFormat.S16_LE, SampleFormat.S32_LE))
                .withPeriods(Range.of(8, 8))
                .withCapabilities(EnumSet.of(PcmCapability.PAUSE));
        return List.of(new PcmDeviceInfo(0, "itest timed pcm", 2, 1, c, c));
    }

    /** What playback substreams consumed, in order. */
    byte[] played() {
        synchronized (played) {
            return played.toByteArray();
        }
    }

    void shutdown() {
        timer.shutdownNow();
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return new Ops(runtime);
    }

    private final class Ops implements PcmOps {
        private final PcmRuntime runtime;
        private long pos;
        private long produced;
        private ScheduledFuture<?> ticking;

        Ops(PcmRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public synchronized void prepare() {
            pos = 0;
        }

        @Override
        public synchronized void trigger(Trigger command) {
            switch (command) {
                case START, PAUSE_RELEASE, RESUME -> {
                    HwParams p = runtime.hwParams();
                    long nanos = p.framesToNanos(p.periodSize());
                    ticking = timer.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
                }
                default -> {
                    if (ticking != null) {
                        ticking.cancel(false);
                        ticking = null;
                    }
                }
            }
        }

        private void tick() {
            synchronized (this) {
                if (ticking == null) {
                    return;
                }
                HwParams p = runtime.hwParams();
                MemorySegment buf = runtime.buffer();
                int fb = p.frameBytes();
                for (long i = 0; i < p.periodSize(); i++) {
                    long at = (pos + i) % p.bufferSize() * fb;
                    if (runtime.direction() == Direction.CAPTURE) {
                        buf.asSlice(at, fb).fill((byte) produced++);
                    } else {
                        synchronized (played) {
                            for (int b = 0; b < fb; b++) {
                                played.write(buf.get(ValueLayout.JAVA_BYTE, at + b));
                            }
                        }
                    }
                }
                pos = (pos + p.periodSize()) % p.bufferSize();
            }
            runtime.periodElapsed();
        }

        @Override
        public synchronized long pointer() {
            return pos;
        }

        @Override
        public synchronized void close() {
            if (ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
        }
    }
}
