package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/** ALSA-style substream names: hw:CARD,DEV,SUB, CARD by id or index. */
class SubstreamNameTest {
    private static final HwConstraints C = HwConstraints.typical();
    private static final List<CardInfo> CARDS = List.of(
            new CardInfo("Dummy", "Dummy card", List.of(new PcmDeviceInfo(0, "dummy pcm", 2, 1, C, C)), 0),
            new CardInfo("Loopback", "Loopback card", List.of(new PcmDeviceInfo(0, "lo0", 1, 1, C, C),
                    new PcmDeviceInfo(1, "lo1", 1, 1, C, C)), 0),
            new CardInfo("Mute", "playback only", List.of(new PcmDeviceInfo(0, "out", 1, 0, C, C)), 0));

    private static SubstreamName.Target resolve(String text) {
        return SubstreamName.parse("pcm:test", text).resolve("pcm:test", CARDS, PLAYBACK);
    }

    @Test
    void fullNameById() {
        assertThat(resolve("hw:Loopback,1,0")).isEqualTo(new SubstreamName.Target("Loopback", 1, 1, 0, PLAYBACK));
    }

    @Test
    void deviceAndSubdeviceDefaultToZero() {
        assertThat(resolve("hw:0")).isEqualTo(new SubstreamName.Target("Dummy", 0, 0, 0, PLAYBACK));
        assertThat(resolve("hw:Dummy,0")).isEqualTo(new SubstreamName.Target("Dummy", 0, 0, 0, PLAYBACK));
    }

    @Test
    void cardByIndex() {
        assertThat(resolve("hw:1,1").cardId()).isEqualTo("Loopback");
    }

    @Test
    void cardIdIsMatchedIgnoringCaseWhenNoExactMatch() {
        assertThat(resolve("hw:loopback,1").cardId()).isEqualTo("Loopback");
    }

    @Test
    void directionSuffixOverridesTheCommandsDefault() {
        assertThat(resolve("hw:Dummy,0,0/capture").direction()).isEqualTo(CAPTURE);
        assertThat(resolve("hw:Dummy,0,0/c").direction()).isEqualTo(CAPTURE);
        assertThat(resolve("hw:Dummy,0,1/p").direction()).isEqualTo(PLAYBACK);
        assertThat(SubstreamName.parse("x", "hw:0").resolve("x", CARDS, CAPTURE).direction()).isEqualTo(CAPTURE);
    }

    @Test
    void canonicalNameCarriesTheDirection() {
        assertThat(resolve("hw:1,1,0/capture").name()).isEqualTo("hw:Loopback,1,0/capture");
    }

    @Test
    void unknownCardNamesTheKnownOnes() {
        assertThatThrownBy(() -> resolve("hw:Nope,0,0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcm:test")
                .hasMessageContaining("'hw:Nope,0,0'")
                .hasMessageContaining("no card 'Nope'")
                .hasMessageContaining("0 Dummy, 1 Loopback, 2 Mute");
    }

    @Test
    void cardIndexOutOfRangeNamesTheKnownOnes() {
        assertThatThrownBy(() -> resolve("hw:7")).hasMessageContaining("no card with index 7")
                .hasMessageContaining("0 Dummy");
    }

    @Test
    void noCardsAtAllIsSaid() {
        assertThatThrownBy(() -> SubstreamName.parse("c", "hw:0").resolve("c", List.of(), PLAYBACK))
                .hasMessageContaining("none (no driver registered a card)");
    }

    @Test
    void unknownDeviceNamesTheCardsDevices() {
        assertThatThrownBy(() -> resolve("hw:Loopback,2,0")).hasMessageContaining("card Loopback has no PCM device 2")
                .hasMessageContaining("[0, 1]");
    }

    @Test
    void subdeviceOutOfRangeNamesTheCount() {
        assertThatThrownBy(() -> resolve("hw:Dummy,0,2")).hasMessageContaining("device Dummy,0 has 2 playback "
                + "substreams (0-1)");
        assertThatThrownBy(() -> resolve("hw:Dummy,0,1/capture")).hasMessageContaining("1 capture substream (0)");
        assertThatThrownBy(() -> resolve("hw:Mute,0,0/capture")).hasMessageContaining("has no capture substreams");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hw:Dummy,x", "hw:Dummy,0,-1", "hw:Dummy,0,", "hw:Dummy,1.5", "hw:0,99999999999"})
    void badNumbersAreRefusedNamingTheField(String text) {
        assertThatThrownBy(() -> resolve(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageMatching(".*the (device|subdevice) '.*' is not a number 0 or more.*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dummy,0,0", "plughw:0", "hw:", "hw:,0", "hw:0,0,0,0", "hw:0/sideways", ""})
    void malformedNamesShowTheSyntax(String text) {
        assertThatThrownBy(() -> SubstreamName.parse("pcm:test", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pcm:test cannot use substream")
                .hasMessageContaining("hw:CARD[,DEV[,SUB]]");
    }
}
