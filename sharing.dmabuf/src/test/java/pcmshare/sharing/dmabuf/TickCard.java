package pcmshare.sharing.dmabuf;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A minimal driver written against the SPI only: substreams paced by a period
 * timer on the card's clock. Capture writes a ramp: every byte of frame n holds
 * (byte) n.
 */
final class TickCard implements SoundCardDriver {
    private final String id;
    private final HwConstraints constraints;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();

    TickCard(String id, HwConstraints constraints) {
        this.id = id;
        this.constraints = constraints;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "tick card " + id;
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "tick", 2, 2, constraints, constraints));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime);
        streams.add(s);
        return s;
    }

    Stream last() {
        return streams.get(streams.size() - 1);
    }

    final class Stream implements PcmOps {
        private final PcmRuntime runtime;
        private long pos;
        private long produced;
        private int generation;
        private Clock.Timer timer;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public synchronized void prepare() {
            pos = 0;
            produced = 0;
        }

        @Override
        public synchronized void trigger(Trigger command) {
            switch (command) {
                case START, RESUME, PAUSE_RELEASE -> {
                    generation++;
                    arm(runtime.clock().nanoTime(), generation);
                }
                case STOP, PAUSE_PUSH, SUSPEND -> {
                    generation++;
                    if (timer != null) {
                        timer.cancel();
                    }
                }
                case DRAIN -> {
                }
            }
        }

        private void arm(long from, int gen) {
            HwParams p = runtime.hwParams();
            long deadline = from + p.framesToNanos(p.periodSize());
            timer = runtime.clock().schedule(deadline, () -> tick(deadline, gen));
        }

        private void tick(long deadline, int gen) {
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                HwParams p = runtime.hwParams();
                long size = p.bufferSize();
                int fb = p.frameBytes();
                if (runtime.direction() == Direction.CAPTURE) {
                    for (long i = 0; i < p.periodSize(); i++) {
                        long at = (pos + i) % size;
                        byte v = (byte) produced++;
                        for (int b = 0; b < fb; b++) {
                            runtime.buffer().set(ValueLayout.JAVA_BYTE, at * fb + b, v);
                        }
                    }
                }
                pos = (pos + p.periodSize()) % size;
                arm(deadline, gen);
            }
            // outside the driver's lock, as a real interrupt handler calls snd_pcm_period_elapsed
            runtime.periodElapsed();
        }

        @Override
        public synchronized long pointer() {
            return pos;
        }

        @Override
        public synchronized void close() {
            generation++;
            if (timer != null) {
                timer.cancel();
            }
        }
    }
}
