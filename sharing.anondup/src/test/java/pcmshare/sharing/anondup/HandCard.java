package pcmshare.sharing.anondup;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/** A card whose hardware moves only when a test says so ({@link Stream#advance}). */
final class HandCard implements SoundCardDriver {
    final List<Stream> streams = new CopyOnWriteArrayList<>();
    /** While set and closed, linkChanged waits: the link operation that called it keeps the global link lock. */
    volatile java.util.concurrent.CountDownLatch linkGate;
    /** One number per linkChanged call, in the order the driver was told. */
    final java.util.concurrent.atomic.AtomicInteger linkNotices = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String id() {
        return "hand";
    }

    @Override
    public String name() {
        return "hand-moved card";
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        HwConstraints c = HwConstraints.typical();
        return List.of(new PcmDeviceInfo(0, "hand pcm", 2, 2, c, c));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime, this);
        streams.add(s);
        return s;
    }

    Stream last() {
        return streams.get(streams.size() - 1);
    }

    static final class Stream implements PcmOps {
        final PcmRuntime runtime;
        final HandCard card;
        volatile long pos;
        volatile boolean closed;

        Stream(PcmRuntime runtime, HandCard card) {
            this.runtime = runtime;
            this.card = card;
        }

        @Override
        public void linkChanged(java.util.Set<pcmshare.core.api.pcm.SubstreamView> linkedWith) {
            java.util.concurrent.CountDownLatch gate = card.linkGate;
            boolean interrupted = false;
            while (gate != null && gate.getCount() > 0) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            card.linkNotices.incrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void prepare() {
            pos = 0;
        }

        @Override
        public void trigger(Trigger command) {
        }

        @Override
        public long pointer() {
            return pos;
        }

        @Override
        public void close() {
            closed = true;
        }

        /** The hardware consumes or produces {@code frames} frames and reports a period. */
        void advance(long frames) {
            pos = (pos + frames) % runtime.hwParams().bufferSize();
            runtime.periodElapsed();
        }
    }
}
