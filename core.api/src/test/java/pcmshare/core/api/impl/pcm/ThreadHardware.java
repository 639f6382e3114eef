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
 * A card whose hardware is a thread of the test, as a DMA engine: one period
 * at a time it plays (reads the period's stamp out of the ring) or captures
 * (stamps the next period into the ring), moves its position and reports the
 * period, reading appl_ptr lock-free from the control page as a DMA engine
 * reads the kernel's runtime. Stamps count periods: a period read before it
 * was committed, or overwritten before it was read, shows the wrong stamp.
 */
final class ThreadHardware implements SoundCardDriver {
    private final HwConstraints constraints;
    volatile Stream stream;

    ThreadHardware(HwConstraints constraints) {
        this.constraints = constraints;
    }

    @Override
    public String id() {
        return "threadhw";
    }

    @Override
    public String name() {
        return "hardware on a test thread";
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "threadhw", 1, 1, constraints, constraints));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime);
        stream = s;
        return s;
    }

    static final class Stream implements PcmOps {
        final PcmRuntime runtime;
        private volatile long pos;
        /** The hardware's own pointer, modulo the boundary: the frames it played or captured. */
        private long done;
        /** Frames reported by the periodElapsed calls that returned, not wrapped: a status reader must not see less. */
        volatile long reportedFrames;
        /** Periods moved; the next period's stamp. */
        volatile long periods;
        volatile long acks;
        private long bufferSize;
        private long periodSize;
        private int frameBytes;
        long boundary;
        private MemorySegment buffer;
        volatile String failure;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
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
            done = 0;
            reportedFrames = 0;
            periods = 0;
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

        /** Plays one period if the application committed one; false if there is none yet. */
        boolean playOne() {
            long queued = runtime.applPtr() - done;
            if (queued < 0) {
                queued += boundary;
            }
            if (queued < periodSize) {
                return false;
            }
            long stamp = buffer.get(ValueLayout.JAVA_LONG, (done % bufferSize) * frameBytes);
            if (stamp != periods && failure == null) {
                failure = "played period " + periods + " but its stamp says " + stamp;
            }
            advance();
            return true;
        }

        /** Captures one period if the application left room; false if the ring is full. */
        boolean captureOne() {
            long filled = done - runtime.applPtr();
            if (filled < 0) {
                filled += boundary;
            }
            if (filled + periodSize > bufferSize) {
                return false;
            }
            buffer.set(ValueLayout.JAVA_LONG, (done % bufferSize) * frameBytes, periods);
            advance();
            return true;
        }

        private void advance() {
            long next = done + periodSize;
            done = next >= boundary ? next - boundary : next;
            pos = done % bufferSize;
            periods = periods + 1;
            runtime.periodElapsed();
            reportedFrames += periodSize;
        }
    }
}
