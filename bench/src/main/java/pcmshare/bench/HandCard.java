package pcmshare.bench;

import java.util.ArrayList;
import java.util.List;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A card as small as the SPI allows, whose hardware position the benchmark sets
 * by hand: nothing but the core runs when it reports a period.
 */
final class HandCard implements SoundCardDriver {
    private final String id;
    private final int playback;
    private final int capture;
    /** The substreams in the order they were opened. */
    final List<Stream> streams = new ArrayList<>();

    HandCard(String id, int playback, int capture) {
        this.id = id;
        this.playback = playback;
        this.capture = capture;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return id + " benchmark card";
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        HwConstraints c = HwConstraints.typical();
        return List.of(new PcmDeviceInfo(0, "bench", playback, capture, c, c));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime);
        streams.add(s);
        return s;
    }

    /** The substream opened {@code n}-th. */
    Stream stream(int n) {
        return streams.get(n);
    }

    static final class Stream implements PcmOps {
        final PcmRuntime runtime;
        /** The hardware position the core reads, set by the benchmark. */
        long pos;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void trigger(Trigger command) {
        }

        @Override
        public long pointer() {
            return pos;
        }
    }
}
