package pcmshare.itest;

import java.util.EnumSet;
import java.util.List;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A card the test bundle registers itself, paced by a timer per substream on
 * the card's clock: the position is elapsed time x rate, a period is reported
 * at each period boundary. With a {@link Flaw} it breaks one rule on purpose,
 * so tests can show the conformance kit names it. Without one it depends on no
 * bundle but core.api, so a stream on it must run undisturbed whatever other
 * bundles do.
 */
final class TimerCard implements SoundCardDriver {

    enum Flaw {
        NONE,
        /** The position counts down instead of up. */
        POINTER_BACKWARDS,
        /** Declares 8-192 kHz but refuses every rate except 48 kHz. */
        REFUSES_DECLARED_RATES
    }

    static final HwConstraints CONSTRAINTS = new HwConstraints(EnumSet.allOf(Access.class),
            EnumSet.of(SampleFormat.S16_LE, SampleFormat.S32_LE), Range.of(8_000, 192_000), List.of(),
            Range.of(1, 8), Range.of(16, 65_536), Range.of(2, 1024), Range.of(32, 1 << 20),
            EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME));

    private final String id;
    private final Flaw flaw;
    private final int substreams;

    TimerCard(String id, Flaw flaw, int substreams) {
        this.id = id;
        this.flaw = flaw;
        this.substreams = substreams;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "itest timer card " + id + (flaw == Flaw.NONE ? "" : " (" + flaw + ")");
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "timer pcm", substreams, substreams, CONSTRAINTS, CONSTRAINTS));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return new Stream(runtime);
    }

    private final class Stream implements PcmOps {
        private final PcmRuntime runtime;
        private final Clock clock;
        private final Runnable fire = this::fire;
        private HwParams p;
        private boolean running;
        private long startNanos;
        private long baseFrames;
        private long nextPeriod;
        private Clock.Timer timer;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
            this.clock = runtime.clock();
        }

        @Override
        public synchronized void hwParams(HwParams params) {
            if (flaw == Flaw.REFUSES_DECLARED_RATES && params.rate() != 48_000) {
                throw new ErrnoException(Errno.EINVAL, "hw_params", runtime.state(), params.rate(),
                        "this card runs at 48000 Hz only");
            }
            halt();
            p = params;
            baseFrames = 0;
        }

        @Override
        public synchronized void hwFree() {
            halt();
            p = null;
        }

        @Override
        public synchronized void prepare() {
            halt();
            baseFrames = 0;
        }

        @Override
        public synchronized void trigger(Trigger command) {
            switch (command) {
                case START, RESUME, PAUSE_RELEASE -> go();
                case STOP, SUSPEND, PAUSE_PUSH -> halt();
                case DRAIN -> {
                }
            }
        }

        private void go() {
            if (running || p == null) {
                return;
            }
            startNanos = clock.nanoTime();
            running = true;
            nextPeriod = (baseFrames / p.periodSize() + 1) * p.periodSize();
            arm();
        }

        private void arm() {
            timer = clock.schedule(startNanos + p.framesToNanos(nextPeriod - baseFrames), fire);
        }

        private void halt() {
            if (!running) {
                return;
            }
            baseFrames = frames();
            running = false;
            timer.cancel();
        }

        private long frames() {
            if (!running) {
                return baseFrames;
            }
            long e = Math.max(0, clock.nanoTime() - startNanos);
            return baseFrames + e / 1_000_000_000L * p.rate() + e % 1_000_000_000L * p.rate() / 1_000_000_000L;
        }

        private void fire() {
            synchronized (this) {
                if (!running) {
                    return;
                }
                long f = frames();
                while (nextPeriod <= f) {
                    nextPeriod += p.periodSize();
                }
                arm();
            }
            runtime.periodElapsed();
        }

        @Override
        public synchronized long pointer() {
            if (p == null) {
                return 0;
            }
            long pos = frames() % p.bufferSize();
            return flaw == Flaw.POINTER_BACKWARDS ? (p.bufferSize() - pos) % p.bufferSize() : pos;
        }

        @Override
        public synchronized void close() {
            halt();
        }
    }
}
