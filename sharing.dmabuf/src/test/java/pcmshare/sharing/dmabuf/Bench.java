package pcmshare.sharing.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.EnumSet;
import java.util.Set;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.impl.fence.CoreFences;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A core on a manual clock with one tick card, the fences and the allocator,
 * and a dmabuf exporter over them. S16_LE stereo at 16 kHz, 16-frame periods,
 * 4 periods: one period is exactly 1 ms and 64 bytes.
 */
final class Bench {
    static final long PERIOD = 16;
    static final int PERIODS = 4;
    static final long PERIOD_NANOS = 1_000_000;
    static final HwParams MMAP = new HwParams(Access.MMAP_INTERLEAVED, SampleFormat.S16_LE, 2, 16_000, PERIOD, PERIODS);
    static final int FRAME_BYTES = MMAP.frameBytes();

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final Fences fences = new CoreFences();
    final MemoryAllocator allocator = Allocators.platform();
    final PcmEngine engine;
    final TickCard card;
    final String cardId;
    final DmabufExporter exporter;

    Bench() {
        this(EnumSet.of(PcmCapability.PAUSE));
    }

    Bench(Set<PcmCapability> capabilities) {
        engine = new PcmEngine(clock, () -> allocator, PcmEngine.DEFAULT_POINTER_LIMIT);
        card = new TickCard("tick", HwConstraints.typical().withCapabilities(capabilities));
        cardId = engine.addCard(card);
        exporter = new DmabufExporter(fences);
    }

    static Bench coherent() {
        return new Bench(EnumSet.of(PcmCapability.PAUSE, PcmCapability.COHERENT_BUFFER));
    }

    PcmSubstream prepared(Direction d) {
        PcmSubstream s = engine.open(cardId, 0, d, -1, false);
        s.hwParams(MMAP);
        s.prepare();
        return s;
    }

    PcmSubstream running(Direction d) {
        PcmSubstream s = prepared(d);
        if (d == Direction.PLAYBACK) {
            var area = s.mmapBegin(PERIOD * PERIODS);
            s.mmapCommit(area.offset(), area.frames());
        }
        s.start();
        return s;
    }

    /** A capture nobody reads through the substream: no overrun stop, as a shared mmap buffer runs. */
    PcmSubstream freeRunningCapture() {
        PcmSubstream s = prepared(Direction.CAPTURE);
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.start();
        return s;
    }

    void periods(int n) {
        clock.advance(n * PERIOD_NANOS);
    }

    /**
     * Spins (no sleep) until the export has counted {@code n} periods; fails after
     * 10 s of real time. The core tells the export on the exporting handle's own
     * listener thread, after the clock thread has moved on.
     */
    static void awaitPeriods(pcmshare.core.api.sharing.dmabuf.DmaBuf buf, long n) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (buf.periodsCompleted() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the export counted " + buf.periodsCompleted() + " periods, not " + n);
            }
            Thread.onSpinWait();
        }
    }

    static ErrnoException refused(ThrowingCallable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call);
        assertThat(e).as("expected a refusal").isNotNull();
        return e;
    }

    static ErrnoException refused(Errno errno, ThrowingCallable call) {
        ErrnoException e = refused(call);
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
        return e;
    }
}
