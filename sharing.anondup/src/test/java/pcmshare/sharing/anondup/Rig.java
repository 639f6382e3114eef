package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** A core on a manual clock with one hand-moved card and the backend. S16_LE stereo, 16-frame periods, 4 periods. */
final class Rig {
    static final long PERIOD = 16;
    static final long BUFFER = 4 * PERIOD;
    static final HwParams STD = HwParams.of(SampleFormat.S16_LE, 2, 16_000, PERIOD, 4);

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
    final HandCard card = new HandCard();
    final String cardId = engine.addCard(card);
    final AnonDupBackend backend = new AnonDupBackend();

    PcmSubstream open(Direction d) {
        return engine.open(cardId, 0, d, -1, false);
    }

    PcmSubstream prepared(Direction d, HwParams p) {
        PcmSubstream s = open(d);
        s.hwParams(p);
        s.prepare();
        return s;
    }

    static MemorySegment frames(long n, int value) {
        MemorySegment m = Arena.ofAuto().allocate(Math.max(1, n * STD.frameBytes()));
        m.fill((byte) value);
        return m;
    }

    static ErrnoException refused(ThrowingCallable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call);
        assertThat(e).as("expected a refusal").isNotNull();
        return e;
    }

    static ErrnoException assertRefused(Errno errno, ThrowingCallable call) {
        ErrnoException e = refused(call);
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
        return e;
    }
}
