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
        Stream s = new Stream(runtime);
        streams.add(s);
        return s;
    }

    Stream last() {
        return streams.get(streams.size() - 1);
    }

    static final class Stream implements PcmOps {
        final PcmRuntime runtime;
        volatile long pos;
        volatile boolean closed;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
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
