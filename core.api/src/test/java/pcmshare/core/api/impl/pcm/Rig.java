package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * A core on a manual clock with one toy card. The standard setup is S16_LE
 * stereo at 16 kHz, 16-frame periods, 4 periods: one period is exactly 1 ms.
 */
final class Rig implements AutoCloseable {
    static final long PERIOD = 16;
    static final int PERIODS = 4;
    static final long BUFFER = PERIOD * PERIODS;
    static final long PERIOD_NANOS = 1_000_000;
    static final HwParams STD = HwParams.of(SampleFormat.S16_LE, 2, 16_000, PERIOD, PERIODS);

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final PcmEngine engine;
    final ToyCard card;
    final String cardId;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rig-caller");
        t.setDaemon(true);
        return t;
    });

    Rig() {
        this(HwConstraints.typical(), PcmEngine.DEFAULT_POINTER_LIMIT);
    }

    Rig(HwConstraints constraints, long pointerLimit) {
        engine = new PcmEngine(clock, Allocators::platform, pointerLimit);
        card = new ToyCard("toy", constraints, 2);
        cardId = engine.addCard(card);
    }

    static HwConstraints withoutPauseResume() {
        return HwConstraints.typical().withCapabilities(EnumSet.noneOf(PcmCapability.class));
    }

    Substream open(Direction d) {
        return SubstreamHandle.substreamOf(engine.open(cardId, 0, d, -1, false));
    }

    Substream setup(Direction d) {
        Substream s = open(d);
        s.hwParams(STD);
        return s;
    }

    Substream prepared(Direction d) {
        Substream s = setup(d);
        s.prepare();
        return s;
    }

    /** A running substream; playback with {@code queued} frames written first. */
    Substream running(Direction d, long queued) {
        Substream s = prepared(d);
        if (d == Direction.PLAYBACK) {
            // a start threshold above the queue keeps write from starting it
            s.swParams(s.swParams().withStartThreshold(BUFFER + 1));
            write(s, queued);
        }
        s.start();
        return s;
    }

    ToyCard.Stream hw() {
        return card.last();
    }

    static MemorySegment frames(long n, int value) {
        MemorySegment m = Arena.ofAuto().allocate(Math.max(1, n * STD.frameBytes()));
        m.fill((byte) value);
        return m;
    }

    static long write(PcmSubstream s, long n) {
        return s.write(frames(n, 7), n);
    }

    /** Advances the clock by whole periods (the toy hardware ticks once per period). */
    void periods(int n) {
        clock.advance(n * PERIOD_NANOS);
    }

    <T> Future<T> inThread(Callable<T> call) {
        return threads.submit(call);
    }

    /** Spins (no sleep) until a thread waits on {@code s}, or fails after 10 s of real time. */
    static void awaitWaiter(Substream s) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.waiters() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nobody waits on " + s);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Spins (no sleep) until the period listeners registered on these handles or
     * substreams have been called with everything the core posted so far; fails
     * after 10 s of real time. Listeners run on their handle's own thread.
     */
    static void awaitListeners(PcmSubstream... handles) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (PcmSubstream h : handles) {
            while (!(h instanceof SubstreamHandle sh ? sh.listenersIdle() : ((Substream) h).directListeners.idle())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the listeners of " + h + " are still busy");
                }
                Thread.onSpinWait();
            }
        }
    }

    static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static ErrnoException refused(ThrowingCallable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call);
        assertThat(e).as("expected a refusal").isNotNull();
        return e;
    }

    static void assertRefused(Errno errno, ThrowingCallable call) {
        ErrnoException e = refused(call);
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
        assertThat(e.operation()).isNotBlank();
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
