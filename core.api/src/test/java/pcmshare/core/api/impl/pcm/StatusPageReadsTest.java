package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;

import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmState;

/**
 * What reads the status page and what asks the driver, as alsa-lib on the
 * kernel's mapped pages: snd_pcm_mmap_begin and snd_pcm_avail_update read the
 * pages and never call the driver or take the stream lock in the steady state;
 * hwsync and avail ask the driver, except for a driver whose pointer moves a
 * period at a time (BATCH), whose answer the page already holds. The toy
 * hardware's {@code move} shifts its pointer without reporting a period, so
 * what a call saw tells whether it asked.
 */
class StatusPageReadsTest {
    private Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private Substream runningMmapPlaybackFull() {
        Substream s = rig.open(Direction.PLAYBACK);
        s.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        s.prepare();
        var a = s.mmapBegin(BUFFER);
        s.mmapCommit(a.offset(), a.frames());
        s.start();
        return s;
    }

    /** Holds the stream lock of {@code s} in another thread until the returned latch is counted down. */
    private CountDownLatch holdStreamLock(Substream s) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rig.inThread(() -> {
            s.lock.lock();
            try {
                held.countDown();
                release.await();
            } finally {
                s.lock.unlock();
            }
            return null;
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the other thread took the stream lock").isTrue();
        return release;
    }

    @Test
    void mmapBegin_shortOfRoom_answersWhatTheStatusPageSays_withoutAskingTheDriver() {
        Substream s = runningMmapPlaybackFull();
        rig.hw().move(PERIOD);
        assertThat(s.mmapBegin(PERIOD).frames()).as("the unreported move is not on the page").isZero();
        s.hwsync();
        assertThat(s.mmapBegin(PERIOD).frames()).as("after hwsync asked the driver").isEqualTo(PERIOD);
    }

    @Test
    void mmapBegin_inTheSteadyState_doesNotWaitForTheStreamLock() throws Exception {
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        CountDownLatch release = holdStreamLock(s);
        try {
            Future<Long> frames = rig.inThread(() -> s.mmapBegin(PERIOD).frames());
            assertThat(frames.get(10, TimeUnit.SECONDS)).isEqualTo(PERIOD);
            Future<Long> none = rig.inThread(() -> s.mmapBegin(2 * PERIOD).frames());
            assertThat(none.get(10, TimeUnit.SECONDS)).as("short of room, still no wait").isEqualTo(PERIOD);
        } finally {
            release.countDown();
        }
    }

    @Test
    void availUpdate_readsThePages_withoutAskingTheDriver() {
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        rig.hw().move(PERIOD);
        assertThat(s.availUpdate()).isEqualTo(PERIOD);
        assertThat(s.avail()).as("avail asks the driver").isEqualTo(2 * PERIOD);
        assertThat(s.availUpdate()).as("and the page now says so").isEqualTo(2 * PERIOD);
    }

    @Test
    void availUpdate_inTheSteadyState_doesNotWaitForTheStreamLock() throws Exception {
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        CountDownLatch release = holdStreamLock(s);
        try {
            assertThat(rig.inThread(s::availUpdate).get(10, TimeUnit.SECONDS)).isEqualTo(PERIOD);
        } finally {
            release.countDown();
        }
    }

    /** pcm_hw.c snd_pcm_hw_avail_update: RUNNING at stop_threshold is SNDRV_PCM_IOCTL_XRUN, then -EPIPE. */
    @Test
    void availUpdate_atStopThreshold_stopsTheStreamWithXrun_andRefusesEPIPE() {
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        // the application stores an appl_ptr that leaves nothing queued: avail is the whole buffer
        s.pages.memory().segment().set(ValueLayout.JAVA_LONG, PositionPages.APPL_PTR, PERIOD);
        assertThat(Rig.refused(s::availUpdate).errno()).isEqualTo(Errno.EPIPE);
        assertThat(s.state()).isEqualTo(PcmState.XRUN);
        assertThat(Rig.refused(s::availUpdate).errno()).as("and again while XRUN").isEqualTo(Errno.EPIPE);
    }

    @Test
    void availUpdate_withoutHardwareParameters_isEBADFD() {
        Substream s = rig.open(Direction.CAPTURE);
        assertThat(Rig.refused(s::availUpdate).errno()).isEqualTo(Errno.EBADFD);
    }

    @Test
    void batchDriver_hwsyncAndAvail_inTheSteadyState_readThePage_withoutTheLockOrTheDriver() throws Exception {
        rig.close();
        rig = new Rig(HwConstraints.typical().withCapabilities(EnumSet.of(PcmCapability.BATCH)),
                PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        rig.hw().move(PERIOD / 2); // a BATCH driver would not: shows that nobody asked it
        assertThat(s.avail()).isEqualTo(PERIOD);
        CountDownLatch release = holdStreamLock(s);
        try {
            assertThat(rig.inThread(s::avail).get(10, TimeUnit.SECONDS)).isEqualTo(PERIOD);
            rig.inThread(() -> {
                s.hwsync();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
        assertThat(s.runtime().hwPtr()).isEqualTo(PERIOD);
    }

    @Test
    void batchDriver_outsideTheSteadyState_availAsksTheDriver() {
        rig.close();
        rig = new Rig(HwConstraints.typical().withCapabilities(EnumSet.of(PcmCapability.BATCH)),
                PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        s.setNonBlocking(true);
        assertThat(Rig.refused(s::drain).errno()).isEqualTo(Errno.EAGAIN);
        assertThat(s.state()).isEqualTo(PcmState.DRAINING);
        rig.hw().move(PERIOD / 2);
        assertThat(s.avail()).as("DRAINING is no steady state: the driver is asked").isEqualTo(PERIOD + PERIOD / 2);
    }

    @Test
    void otherDriver_avail_asksTheDriver() {
        Substream s = runningMmapPlaybackFull();
        rig.periods(1);
        rig.hw().move(PERIOD / 2);
        assertThat(s.avail()).isEqualTo(PERIOD + PERIOD / 2);
    }
}
