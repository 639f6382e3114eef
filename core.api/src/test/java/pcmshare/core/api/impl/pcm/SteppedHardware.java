package pcmshare.core.api.impl.pcm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A card whose hardware a test moves in steps, as a DMA engine moves:
 * {@link Stream#move} advances the position by some frames without telling
 * the core (playing what the application committed, or capturing into the
 * room it left, as the control page says), {@link Stream#elapse} reports it as
 * the period interrupt does. The counters are unwrapped frame counts, so that
 * a reader can place a pointer it read between them. With stamps on, every
 * frame carries the low 32 bits of its unwrapped index in its first four
 * bytes: capture writes them, playback checks that each frame it plays holds
 * its own.
 */
final class SteppedHardware implements SoundCardDriver {
    private final HwConstraints constraints;
    private final boolean stamps;
    volatile Stream stream;

    SteppedHardware(HwConstraints constraints, boolean stamps) {
        this.constraints = constraints;
        this.stamps = stamps;
    }

    @Override
    public String id() {
        return "steppedhw";
    }

    @Override
    public String name() {
        return "hardware moved step by step by the test";
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "steppedhw", 1, 1, constraints, constraints));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime, stamps);
        stream = s;
        return s;
    }

    static final class Stream implements PcmOps {
        final PcmRuntime runtime;
        private final boolean stamps;
        private volatile long pos;
        /** Frames moved, unwrapped; raised before the position moves, so hw_ptr is never past it. */
        volatile long moved;
        /** What {@link #moved} was when the last finished {@link #elapse} began: hw_ptr is never behind it. */
        volatile long reported;
        volatile long acks;
        private boolean playback;
        long bufferSize;
        long periodSize;
        long boundary;
        private int frameBytes;
        private MemorySegment buffer;

        Stream(PcmRuntime runtime, boolean stamps) {
            this.runtime = runtime;
            this.stamps = stamps;
        }

        /** The stream's direction and boundary, which the driver is not told of; after hw_params. */
        void setup(boolean isPlayback, long pointerBoundary) {
            this.playback = isPlayback;
            this.boundary = pointerBoundary;
        }

        @Override
        public void hwParams(HwParams p) {
            bufferSize = p.bufferSize();
            periodSize = p.periodSize();
            frameBytes = p.frameBytes();
        }

        @Override
        public void prepare() {
            pos = 0;
            moved = 0;
            reported = 0;
            buffer = runtime.buffer();
        }

        @Override
        public void trigger(Trigger command) {
        }

        @Override
        public long pointer() {
            return pos;
        }

        @Override
        public void ack() {
            acks++;
        }

        /** Frames the hardware may move now: queued by the application (playback), or free (capture). */
        long room() {
            long appl = runtime.applPtr();
            long hw = moved % boundary;
            return playback ? Math.floorMod(appl - hw, boundary) : bufferSize - Math.floorMod(hw - appl, boundary);
        }

        /** Moves the position {@code frames} on, at most {@link #room()}; the core hears of it at the next update. */
        void move(long frames) {
            long from = moved;
            if (frames <= 0 || frames > room()) {
                throw new AssertionError("the hardware cannot move " + frames + " frames at " + from + ", room "
                        + room());
            }
            if (stamps) {
                for (long f = from; f < from + frames; f++) {
                    long at = (f % bufferSize) * frameBytes;
                    if (playback) {
                        int stamp = buffer.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                        if (stamp != (int) f) {
                            throw new AssertionError("played frame " + f + " but its stamp says " + stamp);
                        }
                    } else {
                        buffer.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) f);
                    }
                }
            }
            moved = from + frames;
            pos = (from + frames) % bufferSize;
        }

        /** The period interrupt: snd_pcm_period_elapsed. */
        void elapse() {
            long at = moved;
            runtime.periodElapsed();
            reported = at;
        }
    }
}
