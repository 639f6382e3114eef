package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmState;

/**
 * snd_pcm_stream_group_ref takes the group lock with the stream lock held; a
 * transfer or a period update must not lose the stream lock to it in the
 * middle and carry on with what it read before.
 */
class GroupLockTest {
    private final LinkRig rig = new LinkRig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** A link transaction of {@code a} and {@code c} held inside the probe driver's link-changed call, with the group lock. */
    private record BlockedLink(Future<Void> link, CountDownLatch latch) {
        void release() throws Exception {
            latch.countDown();
            Rig.get(link);
        }
    }

    private BlockedLink linkBlockedInTheDriver(Substream a, Substream c) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rig.probe.blockNextLinkChanged(entered, release);
        Future<Void> link = rig.inThread(() -> {
            a.link(c);
            return null;
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        return new BlockedLink(link, release);
    }

    /**
     * A write that reaches start_threshold while the group is busy (a link
     * transaction telling the drivers) must not report frames queued into a
     * setup that changed while it waited: it either queued them in the setup in
     * force, or wrote nothing.
     */
    @Test
    void streamGroupRef_writeThatStartsTheGroup_neverContinuesOnAChangedSetup() throws Exception {
        Substream a = rig.setup("toy", PLAYBACK);
        a.swParams(a.swParams().withStartThreshold(Rig.PERIOD));
        a.prepare();
        Substream c = rig.prepared("probe", CAPTURE);
        BlockedLink blocked = linkBlockedInTheDriver(a, c);

        Future<Long> write = rig.inThread(() -> a.write(Rig.frames(Rig.BUFFER + Rig.PERIOD, 7), Rig.BUFFER + Rig.PERIOD));
        LinkRig.awaitTrue("the write waits for the group", () -> a.group().waiting() == 1);
        // meanwhile another thread sets the substream up again: a new ring, nothing queued
        a.hwParams(STD.withPeriods(8));
        blocked.release();

        long written;
        try {
            written = Rig.get(write);
        } catch (ErrnoException e) {
            assertThat(e.errno()).isEqualTo(Errno.EBADFD);
            written = 0;
        }
        assertThat(a.state()).isEqualTo(PcmState.SETUP);
        assertThat(a.status().applPtr()).as("frames the write reported queued are in the ring in force")
                .isEqualTo(written);
    }

    /**
     * A driver's xrun report checks that the stream runs, then stops the group;
     * a group action in between (here a drop) must not be overtaken: a dropped
     * stream is not turned into XRUN afterwards.
     */
    @Test
    void streamGroupRef_xrunReportWaitingForTheGroup_doesNotStopAStreamThatWasDropped() throws Exception {
        Substream a = rig.preparedFree("toy", PLAYBACK);
        Substream c = rig.preparedFree("probe", CAPTURE);
        a.start();
        c.start();
        BlockedLink blocked = linkBlockedInTheDriver(a, c);
        Future<Void> drop = rig.inThread(() -> {
            a.drop();
            return null;
        });
        LinkRig.awaitTrue("the drop waits for the group", () -> a.group().waiting() == 1);
        Future<Void> xrun = rig.inThread(() -> {
            a.runtime().xrun();
            return null;
        });
        LinkRig.awaitTrue("both wait for the group", () -> a.group().waiting() == 2);
        blocked.release();
        Rig.get(xrun);
        Rig.get(drop);
        // the drop came first: the xrun report finds the stream stopped and leaves it so
        assertThat(a.state()).isEqualTo(PcmState.SETUP);
        assertThat(c.state()).isEqualTo(PcmState.SETUP);
        assertThat(a.status().xrunCount()).isZero();
    }
}
