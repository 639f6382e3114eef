package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.refused;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;

/** Frame counts and timeouts are checked as the kernel's unsigned arithmetic would, never wrapped. */
class UnsignedSizesTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** __snd_pcm_lib_xfer: a frame count the caller's buffer cannot hold is refused, naming the count. */
    @Test
    void xfer_frameCountWhoseByteSizeOverflows_isEINVALNamingTheCount() {
        Substream p = rig.prepared(PLAYBACK);
        p.setNonBlocking(true);
        ErrnoException e = refused(() -> p.write(Rig.frames(16, 7), 1L << 62));
        assertThat(e.errno()).isEqualTo(EINVAL);
        assertThat(e.value()).isEqualTo(1L << 62);
        assertThat(p.status().applPtr()).isZero();

        Substream c = rig.prepared(CAPTURE);
        c.setNonBlocking(true);
        assertThat(refused(() -> c.read(Rig.frames(16, 0), Long.MAX_VALUE / 2)).errno()).isEqualTo(EINVAL);
        MemorySegment[] none = {MemorySegment.ofArray(new byte[8]), MemorySegment.ofArray(new byte[8])};
        Substream n = rig.open(PLAYBACK);
        n.hwParams(Rig.STD.withAccess(pcmshare.core.api.pcm.Access.RW_NONINTERLEAVED));
        n.prepare();
        n.setNonBlocking(true);
        assertThat(refused(() -> n.write(none, 1L << 62)).errno()).isEqualTo(EINVAL);
    }

    /** snd_pcm_wait with the longest timeout waits (MAX_SCHEDULE_TIMEOUT); it does not time out at once. */
    @Test
    void wait_longestTimeout_waitsForAvailInsteadOfReturningAtOnce() throws Exception {
        Substream c = rig.prepared(CAPTURE);
        c.start();
        Future<Boolean> w = rig.inThread(() -> c.waitAvail(Long.MAX_VALUE));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.waiters() == 0 && !w.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(w.isDone()).as("waitAvail(Long.MAX_VALUE) returned before any frame arrived").isFalse();
        rig.periods(1);
        assertThat(Rig.get(w)).isTrue();
        assertThat(c.avail()).isGreaterThanOrEqualTo(PERIOD);
    }
}
