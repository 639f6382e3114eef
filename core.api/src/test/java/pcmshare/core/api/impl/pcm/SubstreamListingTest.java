package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;

/** PcmCore.substreams(): the read-only listing of open substreams, as ALSA's /proc/asound/.../sub0/status. */
class SubstreamListingTest {
    private final Rig rig = new Rig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    @DisplayName("proc status: lists every open substream with its holder, params and state, in device order")
    void procStatus_listsOpenSubstreamsWithHolderParamsAndState() {
        assertThat(rig.engine.substreams()).isEmpty();
        PcmSubstream capture = rig.engine.open(rig.cardId, 0, CAPTURE, 1, false, "recorder");
        PcmSubstream playback = rig.engine.open(rig.cardId, 0, PLAYBACK, 0, false, "player");
        playback.hwParams(STD);

        List<SubstreamInfo> list = rig.engine.substreams();

        assertThat(list).extracting(SubstreamInfo::direction, SubstreamInfo::subdevice, SubstreamInfo::holder)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(PLAYBACK, 0, "player"),
                        org.assertj.core.groups.Tuple.tuple(CAPTURE, 1, "recorder"));
        assertThat(list.get(0).hwParams()).isEqualTo(STD);
        assertThat(list.get(0).status().state()).isEqualTo(PcmState.SETUP);
        assertThat(list.get(1).hwParams()).isNull();
        assertThat(list.get(1).status().state()).isEqualTo(PcmState.OPEN);
        assertThat(list.get(0).handles()).isEqualTo(1);
        capture.close();
        playback.close();
        assertThat(rig.engine.substreams()).as("closed substreams leave the listing").isEmpty();
    }

    @Test
    @DisplayName("proc status: reading it leaves avail_max to the holder's own status call")
    void procStatus_doesNotResetTheHoldersAvailMax() {
        PcmSubstream s = rig.engine.open(rig.cardId, 0, PLAYBACK, 0, false, "player");
        s.hwParams(STD);
        s.prepare();
        Rig.write(s, Rig.BUFFER);
        rig.hw().advance(PERIOD);
        long hwPtr = rig.engine.substreams().getFirst().status().hwPtr();
        assertThat(hwPtr).isEqualTo(PERIOD);
        rig.engine.substreams();
        assertThat(s.status().availMax()).as("avail_max survives the listing").isEqualTo(PERIOD);
        s.close();
    }

    @Test
    @DisplayName("proc status: a substream opened without a holder lists an empty holder, and links show")
    void procStatus_unnamedHolderAndLinks() {
        PcmSubstream a = rig.engine.open(rig.cardId, 0, PLAYBACK, 0, false);
        PcmSubstream b = rig.engine.open(rig.cardId, 0, PLAYBACK, 1, false, "b");
        a.hwParams(STD);
        b.hwParams(STD);
        a.link(b);
        List<SubstreamInfo> list = rig.engine.substreams();
        assertThat(list.get(0).holder()).isEmpty();
        assertThat(list.get(0).linkedWith()).singleElement()
                .satisfies(v -> assertThat(v.subdevice()).isEqualTo(1));
        a.close();
        b.close();
    }
}
