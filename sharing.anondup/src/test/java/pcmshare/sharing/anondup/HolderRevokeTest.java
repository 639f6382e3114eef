package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static pcmshare.sharing.anondup.Rig.BUFFER;
import static pcmshare.sharing.anondup.Rig.PERIOD;
import static pcmshare.sharing.anondup.Rig.STD;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.sharing.anondup.Preset;

/** What revoking or closing a dup leaves behind: nothing running, nothing registered, nothing shown. */
class HolderRevokeTest {
    private final Rig rig = new Rig();

    /** Waits, without sleeping, until {@code t} is parked or has ended. */
    static void awaitParkedOrDone(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.TERMINATED) {
                return;
            }
            assertThat(System.nanoTime()).as("%s still %s", t.getName(), s).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void revoke_returnsOnlyWhenNoCallOfTheDupRuns_aCallThatPassedTheCheckNeverLandsAfterwards() throws Exception {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream partner = rig.engine.open(rig.cardId, 0, Direction.PLAYBACK, 1, false);
        partner.hwParams(STD);
        partner.prepare();
        PcmSubstream cap0 = rig.engine.open(rig.cardId, 0, Direction.CAPTURE, 0, false);
        PcmSubstream cap1 = rig.engine.open(rig.cardId, 0, Direction.CAPTURE, 1, false);
        for (PcmSubstream c : new PcmSubstream[] { cap0, cap1 }) {
            c.hwParams(STD);
            c.prepare();
        }
        PcmSubstream dup = rig.backend.dup(original, Preset.FULL, "client");

        // another link holds the global link lock: its driver is being told, and waits
        CountDownLatch gate = new CountDownLatch(1);
        rig.card.linkGate = gate;
        Thread other = Thread.ofPlatform().name("other-link").start(() -> cap0.link(cap1));
        awaitParkedOrDone(other);
        // the dup's link passed its permission check and waits for the link lock
        Thread linker = Thread.ofPlatform().name("dup-link").start(() -> {
            try {
                dup.link(partner);
            } catch (ErrnoException e) {
                // refused after the end: nothing landed
            }
        });
        awaitParkedOrDone(linker);
        assertThat(linker.getState()).isEqualTo(Thread.State.WAITING);

        AtomicInteger noticesWhenRevokeReturned = new AtomicInteger(-1);
        Thread revoker = Thread.ofPlatform().name("revoker").start(() -> {
            rig.backend.revoke(original, dup);
            noticesWhenRevokeReturned.set(rig.card.linkNotices.get());
        });
        awaitParkedOrDone(revoker);
        gate.countDown();
        other.join();
        linker.join();
        revoker.join();

        assertThat(noticesWhenRevokeReturned.get())
                .as("drivers told of links when revoke returned = when everything ended: no call of the dup landed later")
                .isEqualTo(rig.card.linkNotices.get());
        Rig.assertRefused(Errno.EPERM, dup::unlink);
        for (PcmSubstream s : new PcmSubstream[] { original, partner, cap0, cap1 }) {
            s.close();
        }
    }

    /** Spins (no sleep) until {@code c} reaches {@code n}; fails after 10 s of real time. */
    private static void awaitCount(AtomicInteger c, int n) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (c.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("counted " + c.get() + ", not " + n);
            }
            Thread.onSpinWait();
        }
    }

    private static final class Counting implements PeriodListener {
        final AtomicInteger periods = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong lastHwPtr = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void periodElapsed(SubstreamView substream, long hwPtr) {
            periods.incrementAndGet();
            lastHwPtr.set(hwPtr);
        }

        @Override
        public void stopped(SubstreamView substream, PcmState state) {
            stops.incrementAndGet();
        }
    }

    @Test
    void revokedOrClosedDup_isCalledNoMore_itsPeriodListenersGoWithIt() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        original.swParams(original.swParams().withStopThreshold(original.swParams().boundary()));
        original.write(Rig.frames(BUFFER, 1), BUFFER);
        HandCard.Stream hw = rig.card.last();
        PcmSubstream revoked = rig.backend.dup(original, Preset.MONITOR, "revoked");
        PcmSubstream closed = rig.backend.dup(original, Preset.MONITOR, "closed");
        Counting a = new Counting();
        Counting b = new Counting();
        Counting owners = new Counting();
        revoked.addPeriodListener(a);
        closed.addPeriodListener(b);
        original.addPeriodListener(owners);
        hw.advance(PERIOD);
        // listeners run on their handle's own thread: wait until each has heard
        awaitCount(a.periods, 1);
        awaitCount(b.periods, 1);
        awaitCount(owners.periods, 1);

        rig.backend.revoke(original, revoked);
        closed.close();
        hw.advance(PERIOD);
        hw.advance(PERIOD);
        // periods heard while the listener was busy come as one call with the newest hw_ptr
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (owners.lastHwPtr.get() < 3 * PERIOD && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        awaitCount(a.stops, 1);
        awaitCount(b.stops, 1);
        assertThat(a.periods).as("a revoked dup's listener").hasValue(1);
        assertThat(b.periods).as("a closed dup's listener").hasValue(1);
        assertThat(owners.lastHwPtr).as("the owner's own listener stays").hasValue(3 * PERIOD);
        assertThat(a.stops).as("told once that no period will come").hasValue(1);
        assertThat(b.stops).hasValue(1);
        assertThat(owners.stops).hasValue(0);
        original.drop();
        original.close();
    }

    @Test
    void bufferDup_toString_showsNoStateItMayNotRead() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream buffer = rig.backend.dup(original, Preset.BUFFER, "client");
        PcmSubstream monitor = rig.backend.dup(original, Preset.MONITOR, "client");
        assertThat(original.toString()).contains("PREPARED");
        assertThat(buffer.toString()).contains("BUFFER").doesNotContain("PREPARED");
        assertThat(monitor.toString()).as("STATUS may read the state").contains("PREPARED");
        original.close();
    }

    /** O_NONBLOCK is the dup's own open file's: setting it on a FULL dup leaves the owner's handle blocking. */
    @Test
    void fFlags_aDupsNonBlockIsItsOwn_theOwnersModeIsUntouched() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream dup = rig.backend.dup(original, Preset.FULL, "client");
        dup.setNonBlocking(true);
        assertThat(dup.isNonBlocking()).isTrue();
        assertThat(original.isNonBlocking()).as("the owner's mode").isFalse();
        original.write(Rig.frames(BUFFER, 1), BUFFER);
        Rig.assertRefused(Errno.EAGAIN, () -> dup.write(Rig.frames(PERIOD, 1), PERIOD));
        original.setNonBlocking(true);
        dup.setNonBlocking(false);
        assertThat(dup.isNonBlocking()).isFalse();
        Rig.assertRefused(Errno.EAGAIN, () -> original.write(Rig.frames(PERIOD, 1), PERIOD));
        dup.close();
        original.drop();
        original.close();
    }

    /**
     * A dup that wrote in non-blocking mode (its transfers only counted in flight, no
     * thread registered for revoke to interrupt) and then went back to blocking: its next
     * write that finds no room blocks with its thread registered, and revoke wakes it.
     */
    @Test
    void fFlags_aDupBackInBlockingMode_blocksRegistered_andRevokeWakesItsWrite() throws Exception {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream dup = rig.backend.dup(original, Preset.FULL, "client");
        dup.setNonBlocking(true);
        assertThat(dup.write(Rig.frames(BUFFER, 1), BUFFER)).isEqualTo(BUFFER);
        Rig.assertRefused(Errno.EAGAIN, () -> dup.write(Rig.frames(PERIOD, 1), PERIOD));
        dup.setNonBlocking(false);
        AtomicReference<Thread> writer = new AtomicReference<>();
        CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
            writer.set(Thread.currentThread());
            return dup.write(Rig.frames(PERIOD, 1), PERIOD);
        });
        while (writer.get() == null) {
            Thread.onSpinWait();
        }
        awaitParkedOrDone(writer.get());
        assertThat(writer.get().getState()).as("the write waits for room").isEqualTo(Thread.State.WAITING);
        rig.backend.revoke(original, dup);
        ExecutionException failed = catchThrowableOfType(ExecutionException.class,
                () -> write.get(10, TimeUnit.SECONDS));
        assertThat(failed).as("the blocked write returned").isNotNull();
        ErrnoException e = (ErrnoException) failed.getCause();
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EPERM);
        assertThat(e.operation()).isEqualTo("write");
        assertThat(writer.get().isInterrupted()).as("the wake-up leaves no interrupt behind").isFalse();
        original.close();
    }

    /**
     * Revoke racing a holder that writes in non-blocking mode as fast as it can (counted
     * transfers, some copying, most refused with EAGAIN): revoke returns only once no write
     * of the dup runs, so appl_ptr does not move after it; the writer ends with EPERM and
     * keeps no interrupt. Bounded by iterations and a deadline.
     */
    @Test
    void revoke_racingNonBlockingWrites_returnsWhenNoneRuns_andNoneLandsAfterwards() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        original.swParams(original.swParams().withStopThreshold(original.swParams().boundary()));
        original.write(Rig.frames(PERIOD, 1), PERIOD); // starts it
        assertThat(original.state()).isEqualTo(PcmState.RUNNING);
        // a dup starts in its owner's mode, and a MONITOR dup may not change it
        original.setNonBlocking(true);
        HandCard.Stream hw = rig.card.last();
        int done = 0;
        for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
            PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "writer" + i);
            MemorySegment period = Rig.frames(PERIOD, i);
            CountDownLatch writing = new CountDownLatch(1);
            CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    for (;;) {
                        try {
                            dup.write(period, PERIOD);
                        } catch (ErrnoException e) {
                            if (e.errno() != Errno.EAGAIN) {
                                throw e;
                            }
                        }
                        writing.countDown();
                    }
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EPERM) {
                        throw e;
                    }
                    return Thread.currentThread().isInterrupted();
                }
            });
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            for (int k = 0; k < i % 3; k++) {
                hw.advance(PERIOD);
            }
            rig.backend.revoke(original, dup);
            long applWhenRevokeReturned = original.status().applPtr();
            assertThat(writer.get(10, TimeUnit.SECONDS)).as("interrupt left behind in iteration %d", i).isFalse();
            assertThat(original.status().applPtr()).as("a write landed after revoke returned, iteration %d", i)
                    .isEqualTo(applWhenRevokeReturned);
            dup.close();
            done++;
        }
        assertThat(done).isGreaterThan(10);
        assertThat(rig.backend.dups(original)).isEmpty();
        original.close();
    }
}
