package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Range;

/**
 * snd-aloop's loopback_pcm_hardware offers 8000-768000 Hz and 1-32 channels; a
 * configuration outside that is refused saying which property and why, before
 * a rate of 0 could divide by zero or a negative one spin the cable's timer.
 */
class LoopbackSettingsTest {

    @Test
    void rateZero_isRefusedNamingRateMin() {
        assertThatThrownBy(() -> LoopbackSettings.defaults().withRates(Range.of(0, 48_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateMin").hasMessageContaining("0");
    }

    @Test
    void negativeRates_areRefusedNamingRateMin() {
        assertThatThrownBy(() -> LoopbackSettings.defaults().withRates(Range.of(-48_000, -8_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateMin").hasMessageContaining("-48000");
    }

    @Test
    void rateMaxBeyondTheHardware_isRefusedNamingRateMax() {
        assertThatThrownBy(() -> LoopbackSettings.defaults().withRates(Range.of(8_000, Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateMax");
    }

    @Test
    void channelsOutsideOneToThirtyTwo_areRefusedNamingTheProperty() {
        assertThatThrownBy(() -> LoopbackSettings.defaults().withChannels(Range.of(0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channelsMin");
        assertThatThrownBy(() -> LoopbackSettings.defaults().withChannels(Range.of(1, 1 << 20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channelsMax");
    }
}
