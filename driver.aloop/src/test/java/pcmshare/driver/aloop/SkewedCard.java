package pcmshare.driver.aloop;

import java.util.List;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A card like driver.dummy, for the drift tests: its clock runs at a skew and
 * its position is the elapsed time on that clock times the rate, reported at
 * every period end.
 */
final class SkewedCard implements SoundCardDriver {
    private final String id;
    private final String name;
    private final long ppm;

    SkewedCard(String id, String name, long ppm) {
        this.id = id;
        this.name = name;
        this.ppm = ppm;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long clockSkewPpm() {
        return ppm;
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        HwConstraints c = HwConstraints.typical();
        return List.of(new PcmDeviceInfo(0, "skewed pcm", 1, 1, c, c));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return new Stream(runtime);
    }

    private static final class Stream implements PcmOps {
        private final PcmRuntime runtime;
        private long startNanos;
        private long base;
        private boolean running;
        private Clock.Timer timer;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void prepare() {
            base = 0;
        }

        @Override
        public synchronized void trigger(Trigger command) {
            switch (command) {
                case START, RESUME, PAUSE_RELEASE -> {
                    running = true;
                    startNanos = runtime.clock().nanoTime();
                    arm();
                }
                case STOP, SUSPEND, PAUSE_PUSH -> {
                    base = frames();
                    running = false;
                    if (timer != null) {
                        timer.cancel();
                    }
                }
                case DRAIN -> {
                }
            }
        }

        private long frames() {
            return running ? base + Cable.framesIn(runtime.clock().nanoTime() - startNanos, runtime.hwParams().rate())
                    : base;
        }

        private void arm() {
            long period = runtime.hwParams().periodSize();
            long f = frames();
            long next = f - f % period + period - base;
            timer = runtime.clock().schedule(startNanos + Cable.nanosFor(next, runtime.hwParams().rate()),
                    this::tick);
        }

        private void tick() {
            synchronized (this) {
                if (!running) {
                    return;
                }
                arm();
            }
            runtime.periodElapsed();
        }

        @Override
        public synchronized long pointer() {
            return frames() % runtime.hwParams().bufferSize();
        }

        @Override
        public synchronized void close() {
            running = false;
            if (timer != null) {
                timer.cancel();
            }
        }
    }
}
