package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.sharing.anondup.Rig.PERIOD;
import static pcmshare.sharing.anondup.Rig.STD;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.anondup.Preset;

/**
 * Revoke racing readers that are sometimes copying, sometimes blocked: every
 * reader ends with EPERM, never hangs, and never keeps the interrupt revoke
 * used to wake it. Bounded by iterations and a deadline.
 */
class RevokeStressTest {
    private static final int ITERATIONS = 300;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void revokeRacingReads_alwaysEndsTheReaderWithEPERM_andLeavesNoInterrupt() throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        Rig rig = new Rig();
        PcmSubstream original = rig.open(Direction.CAPTURE);
        original.hwParams(STD);
        // a slow reader must not stop the stream: only the race is under test
        original.swParams(original.swParams().withStopThreshold(original.swParams().boundary()));
        original.prepare();
        original.start();
        HandCard.Stream hw = rig.card.last();
        MemorySegment drain = Arena.ofAuto().allocate(Rig.BUFFER * STD.frameBytes());
        int done = 0;
        for (int i = 0; i < ITERATIONS && System.nanoTime() < deadline; i++) {
            PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "reader" + i);
            CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> {
                MemorySegment into = Arena.ofAuto().allocate(PERIOD * STD.frameBytes());
                try {
                    for (;;) {
                        dup.read(into, PERIOD);
                    }
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EPERM) {
                        throw e;
                    }
                    return Thread.currentThread().isInterrupted();
                }
            });
            for (int k = 0; k < i % 3; k++) {
                hw.advance(PERIOD);
                Thread.onSpinWait();
            }
            rig.backend.revoke(original, dup);
            assertThat(reader.get(10, TimeUnit.SECONDS)).as("interrupt left behind in iteration %d", i).isFalse();
            dup.close();
            // keep the owner's ring from overrunning
            long left = Math.min(original.avail(), Rig.BUFFER);
            if (left > 0) {
                original.read(drain, left);
            }
            done++;
        }
        assertThat(done).isGreaterThan(10);
        assertThat(rig.backend.dups(original)).isEmpty();
        original.close();
    }
}
