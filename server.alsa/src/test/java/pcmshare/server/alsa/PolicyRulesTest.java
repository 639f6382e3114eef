package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.sharing.anondup.Preset;

/** The policy's rules and the names clients give, each refusal naming what was wrong. */
class PolicyRulesTest {

    @Test
    void withoutRules_theOwnUidGetsFull_andEveryoneElseIsRefused() {
        Policy p = Policy.of(new String[0], 1000);
        assertThat(p.decide(1000, Set.of(1000))).contains(Preset.FULL);
        assertThat(p.decide(1001, Set.of(1000))).isEmpty();
    }

    @Test
    void theFirstMatchingRuleDecides_uidOrAnyOfTheGroups() {
        Policy p = Policy.of(new String[] {"uid:1001=REFUSE", "gid:29=MONITOR", "uid:*=BUFFER"}, 1000);
        assertThat(p.decide(1001, Set.of(29))).as("uid rule first").isEmpty();
        assertThat(p.decide(1002, Set.of(100, 29))).contains(Preset.MONITOR);
        assertThat(p.decide(1003, Set.of(100))).contains(Preset.BUFFER);
        assertThat(p.decide(1000, Set.of(1000))).as("the owner is matched by uid:* too").contains(Preset.BUFFER);
    }

    @Test
    void badRules_nameTheRuleAndWhy() {
        assertThatThrownBy(() -> Policy.of(new String[] {"user:1=FULL"}, 0)).hasMessageContaining("'user:1=FULL'")
                .hasMessageContaining("neither uid nor gid");
        assertThatThrownBy(() -> Policy.of(new String[] {"uid:x=FULL"}, 0)).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> Policy.of(new String[] {"uid:1=ROOT"}, 0))
                .hasMessageContaining("'ROOT' is not one of BUFFER, FULL, MONITOR, REFUSE");
        assertThatThrownBy(() -> Policy.of(new String[] {"uid:99999999999=FULL"}, 0)).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Policy.of(new String[] {"FULL"}, 0)).hasMessageContaining("not of the form");
    }

    @Test
    void pcmNames_asTheHwPluginTakesThem() {
        assertThat(PcmName.parse("hw:Loopback,1,0")).isEqualTo(new PcmName("Loopback", 1, 0));
        assertThat(PcmName.parse("hw:Loopback")).isEqualTo(new PcmName("Loopback", 0, -1));
        assertThat(PcmName.parse("hw:CARD=Dummy,DEV=0,SUB=3")).isEqualTo(new PcmName("Dummy", 0, 3));
        assertThat(PcmName.parse("hw:1,0,-1")).isEqualTo(new PcmName("1", 0, -1));
        assertThatThrownBy(() -> PcmName.parse("plug:x")).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("starts with 'hw:'");
        assertThatThrownBy(() -> PcmName.parse("hw:L,a")).hasMessageContaining("DEV 'a' is not a number");
        assertThatThrownBy(() -> PcmName.parse("hw:L,0,0,0")).hasMessageContaining("too many fields");
        assertThatThrownBy(() -> PcmName.parse("hw:L,FOO=1")).hasMessageContaining("unknown field 'FOO'");
        assertThat(Optional.of(PcmName.parse("hw:L,0,2").toString())).contains("hw:L,0,2");
    }
}
