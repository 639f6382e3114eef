package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The loopback card's old property names are read where the new ones are left at their defaults. */
class LegacyNamesTest {
    /** What DS hands the component: every new name with its default, and what the configuration set. */
    private static Map<String, Object> component(Object... keyValues) {
        Map<String, Object> p = new HashMap<>(Map.of("pcmSubstreams", 8, "pcmNotify", false, "timerSource", "",
                "rateMin", 8000, "rateMax", 192000, "channelsMin", 1, "channelsMax", 32));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void anOldNameCounts_whenTheNewOneIsAtItsDefault() {
        Map<String, Object> p = component("pcm_substreams", "3", "pcm_notify", "true", "timer_source", "Dummy");
        assertThat(LegacyNames.intValue("pcmSubstreams", p, 8)).isEqualTo(3);
        assertThat(LegacyNames.booleanValue("pcmNotify", p, false)).isTrue();
        assertThat(LegacyNames.stringValue("timerSource", p, "")).isEqualTo("Dummy");
        assertThat(LegacyNames.intValue("rateMin", p, 8000)).as("not set by either name").isEqualTo(8000);
        assertThat(LegacyNames.warnings("L", p)).containsExactly(
                "loopback card L: pcm_notify is deprecated: it is read as pcmNotify = true; write pcmNotify instead "
                        + "(old names will not be read for ever)",
                "loopback card L: pcm_substreams is deprecated: it is read as pcmSubstreams = 3; write pcmSubstreams "
                        + "instead (old names will not be read for ever)",
                "loopback card L: timer_source is deprecated: it is read as timerSource = Dummy; write timerSource "
                        + "instead (old names will not be read for ever)");
    }

    @Test
    void theNewNameWins_whenBothAreSet_andTheOldOneIsSaidToBeIgnored() {
        Map<String, Object> p = component("pcm_substreams", "3", "pcmSubstreams", "2");
        assertThat(LegacyNames.intValue("pcmSubstreams", p, 2)).isEqualTo(2);
        assertThat(LegacyNames.warnings("L", p)).containsExactly("loopback card L: pcm_substreams is ignored: it is "
                + "the old name of pcmSubstreams, which is set too; remove pcm_substreams");
    }

    @Test
    void aRefusalNamesThePropertyAsTheConfigurationWroteIt() {
        assertThat(LegacyNames.asWritten("pcmSubstreams = 99: must be in [1, 8]", component("pcm_substreams", 99)))
                .isEqualTo("pcm_substreams = 99: must be in [1, 8]");
        assertThat(LegacyNames.asWritten("pcmSubstreams = 99: must be in [1, 8]", component("pcmSubstreams", 99)))
                .isEqualTo("pcmSubstreams = 99: must be in [1, 8]");
    }
}
