package pcmshare.driver.dummy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;

/** A PCM core on a manual clock reading 0, with one dummy card. */
final class Rig implements AutoCloseable {
    static final long SECOND = 1_000_000_000L;

    final ManualClock clock = new ManualClock();
    final PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
    final DummyCard card;
    final String cardId;
    final Arena arena = Arena.ofConfined();

    Rig(DummySettings settings) {
        card = new DummyCard(settings);
        cardId = engine.addCard(card);
    }

    Rig(DummySettings.Builder settings) {
        this(settings.build());
    }

    PcmSubstream open(Direction d) {
        return engine.open(cardId, 0, d, -1, true);
    }

    /** Open, hw_params, prepare; the stream never stops by itself when {@code endless}. */
    PcmSubstream prepared(Direction d, HwParams p, boolean endless) {
        PcmSubstream s = open(d);
        s.hwParams(p);
        if (endless) {
            s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        }
        s.prepare();
        return s;
    }

    MemorySegment bytes(long n) {
        return arena.allocate(n);
    }

    @Override
    public void close() {
        engine.removeAll();
        card.shutdown();
        arena.close();
    }
}
