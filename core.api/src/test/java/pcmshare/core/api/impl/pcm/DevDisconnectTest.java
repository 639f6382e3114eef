package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;
import static pcmshare.core.api.pcm.PcmState.SETUP;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * pcm.c snd_pcm_dev_disconnect: snd_pcm_stop(substream, SNDRV_PCM_STATE_DISCONNECTED)
 * stops the whole link group, with one trigger timestamp.
 */
class DevDisconnectTest {
    private final LinkRig rig = new LinkRig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void devDisconnect_stopsTheWholeLinkedGroup_throughSndPcmStop() {
        Substream a = rig.preparedFree("toy", PLAYBACK);
        ToyCard.Stream ha = rig.toy.last();
        Substream b = rig.preparedFree("toy2", PLAYBACK);
        ToyCard.Stream hb = rig.toy2.last();
        a.link(b);
        a.start();
        assertThat(b.state()).isEqualTo(RUNNING);
        List<PcmState> told = new ArrayList<>();
        b.addPeriodListener(new PeriodListener() {
            @Override
            public void periodElapsed(SubstreamView s, long hwPtr) {
            }

            @Override
            public void stopped(SubstreamView s, PcmState state) {
                told.add(state);
            }
        });

        rig.engine.removeCard(rig.toy);
        Rig.awaitListeners(b);

        assertThat(a.state()).isEqualTo(DISCONNECTED);
        // the partner of the card that stays is stopped with it, its driver told
        assertThat(b.state()).as("linked substream of the card that stays").isEqualTo(SETUP);
        assertThat(hb.isRunning()).isFalse();
        assertThat(hb.triggers()).containsExactly(Trigger.START, Trigger.STOP);
        assertThat(ha.triggers()).containsExactly(Trigger.START, Trigger.STOP);
        assertThat(told).containsExactly(SETUP);
        assertThat(b.status().triggerTimestampNanos()).isEqualTo(a.status().triggerTimestampNanos());
        // the departing card's driver is let go, the partner's stays
        assertThat(ha.isClosed()).isTrue();
        assertThat(hb.isClosed()).isFalse();
        // the partner leaves the dead group and goes on alone
        b.unlink();
        b.prepare();
        Rig.write(b, Rig.PERIOD);
        assertThat(b.state()).as("started by its write").isEqualTo(RUNNING);
    }

    /** A prepared partner is stopped too; when its own card goes later, its driver is let go then. */
    @Test
    void devDisconnect_preparedPartnerStops_andItsOwnCardsRemovalLetsItsDriverGo() {
        Substream a = rig.prepared("toy", PLAYBACK);
        Substream b = rig.prepared("toy2", PLAYBACK);
        ToyCard.Stream hb = rig.toy2.last();
        a.link(b);
        rig.engine.removeCard(rig.toy);
        assertThat(b.state()).isEqualTo(SETUP);
        assertThat(hb.isClosed()).isFalse();
        rig.engine.removeCard(rig.toy2);
        assertThat(b.state()).isEqualTo(DISCONNECTED);
        assertThat(hb.isClosed()).as("driver let go when its own card goes").isTrue();
    }
}
