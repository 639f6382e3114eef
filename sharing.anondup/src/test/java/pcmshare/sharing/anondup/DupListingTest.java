package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.DupInfo;
import pcmshare.core.api.sharing.anondup.DupRequest;
import pcmshare.core.api.sharing.anondup.Preset;

/** AnonDup.dups(): every live dup, whoever owns it, for listings that do not hold the owners. */
class DupListingTest {
    private final Rig rig = new Rig();

    @Test
    void dups_listsEveryLiveDup_ofOriginalsDupsAndExports_untilClosedOrRevoked() {
        PcmSubstream a = rig.open(Direction.PLAYBACK);
        PcmSubstream b = rig.open(Direction.CAPTURE);
        PcmSubstream monitor = rig.backend.dup(a, Preset.MONITOR, "monitor");
        PcmSubstream inner = rig.backend.dup(monitor, Preset.BUFFER, "inner");
        PcmSubstream other = rig.backend.dup(b, Preset.FULL, "other");
        SharedHandle exported = rig.backend.export(DupRequest.of(a, Preset.BUFFER), "server");
        assertThat(rig.backend.dups()).extracting(DupInfo::holder)
                .containsExactly("monitor", "inner", "other", "server");
        assertThat(rig.backend.dups()).filteredOn(d -> d.holder().equals("monitor")).singleElement()
                .satisfies(d -> assertThat(d.dups()).isEqualTo(1));

        inner.close();
        rig.backend.revoke(b, other);
        exported.close();
        assertThat(rig.backend.dups()).extracting(DupInfo::holder).containsExactly("monitor");
        monitor.close();
        assertThat(rig.backend.dups()).isEmpty();
    }
}
