package pcmshare.driver.dummy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/** From configuration properties to a card's settings. */
class DummySettingsTest {

    /** A configuration as DS hands it over: the annotation's defaults, overridden by {@code props}. */
    static DummyConfig config(Map<String, Object> props) {
        return (DummyConfig) Proxy.newProxyInstance(DummyConfig.class.getClassLoader(),
                new Class<?>[] { DummyConfig.class }, (proxy, method, args) -> {
                    Object v = props.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    @DisplayName("a configuration with no properties makes a usable card with id Dummy")
    void defaultsMakeAUsableCard() {
        DummySettings s = DummySettings.from(config(Map.of()));
        assertThat(s).isEqualTo(DummySettings.defaults());
        assertThat(s.id()).isEqualTo("Dummy");
        assertThat(s.pcmDevs()).isEqualTo(1);
        assertThat(s.playbackSubstreams()).isEqualTo(8);
        assertThat(s.captureSubstreams()).isEqualTo(8);
        assertThat(s.timerMode()).isEqualTo(TimerMode.HRTIMER);
        assertThat(s.fakeBuffer()).isFalse();
        HwConstraints c = s.constraints();
        assertThat(c.formats()).contains(SampleFormat.S16_LE, SampleFormat.U8);
        assertThat(c.rates().contains(44_100) && c.rates().contains(48_000) && c.rates().contains(96_000)).isTrue();
        assertThat(c.channels().contains(2)).isTrue();
        assertThat(c.has(PcmCapability.PAUSE) && c.has(PcmCapability.RESUME)).isTrue();
        DummyCard card = new DummyCard(s);
        assertThat(card.devices()).hasSize(1);
        assertThat(card.clockSkewPpm()).isZero();
    }

    @Test
    void everyPropertyIsRead() {
        DummySettings s = DummySettings.from(config(Map.ofEntries(
                Map.entry("id", "dum2"), Map.entry("name", "Second dummy"), Map.entry("pcmDevs", 3),
                Map.entry("playbackSubstreams", 2), Map.entry("captureSubstreams", 0),
                Map.entry("accesses", new Access[] { Access.RW_INTERLEAVED }),
                Map.entry("formats", new SampleFormat[] { SampleFormat.S32_LE, SampleFormat.S32_LE }),
                Map.entry("rateMin", 44_100), Map.entry("rateMax", 96_000), Map.entry("rates", new int[] { 44_100, 96_000 }),
                Map.entry("channelsMin", 2), Map.entry("channelsMax", 2),
                Map.entry("periodSizeMin", 64L), Map.entry("periodSizeMax", 4096L),
                Map.entry("periodsMin", 2), Map.entry("periodsMax", 8),
                Map.entry("bufferSizeMin", 128L), Map.entry("bufferSizeMax", 32_768L),
                Map.entry("timerMode", TimerMode.SYSTICK), Map.entry("systickHz", 1000), Map.entry("timerSlackMicros", 300), Map.entry("skewPpm", -40L),
                Map.entry("captureContent", CaptureContent.SINE), Map.entry("sineFrequency", 997.0),
                Map.entry("sineAmplitude", 0.25), Map.entry("fakeBuffer", true))));
        assertThat(s).isEqualTo(new DummySettings("dum2", "Second dummy", 3, 2, 0, java.util.Set.of(Access.RW_INTERLEAVED),
                java.util.Set.of(SampleFormat.S32_LE), Range.of(44_100, 96_000), java.util.List.of(44_100, 96_000),
                Range.of(2, 2), Range.of(64, 4096), Range.of(2, 8), Range.of(128, 32_768), TimerMode.SYSTICK, 1000, 300, -40,
                CaptureContent.SINE, 997.0, 0.25, true));
    }

    @Test
    @DisplayName("a bad configuration is refused naming the property")
    void badValuesNameTheProperty() {
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("rateMin", 50_000, "rateMax", 48_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rateMin");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("rates", new int[] { 400_000 }))))
                .hasMessageContaining("rates");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("pcmDevs", 0)))).hasMessageContaining("pcmDevs");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("skewPpm", -1_000_000L))))
                .hasMessageContaining("skewPpm");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("formats", new SampleFormat[0]))))
                .hasMessageContaining("formats");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("id", " ")))).hasMessageContaining("id");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("sineAmplitude", 1.5))))
                .hasMessageContaining("sineAmplitude");
        assertThatThrownBy(() -> DummySettings.from(config(Map.of("playbackSubstreams", 0, "captureSubstreams", 0))))
                .hasMessageContaining("substream");
    }
}
