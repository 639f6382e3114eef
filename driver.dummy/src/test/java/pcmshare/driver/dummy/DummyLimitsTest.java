package pcmshare.driver.dummy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The dummy's sizes are the kernel's unsigned intervals: a maximum above
 * 4294967295 frames (UINT_MAX) is refused at configuration, naming the property
 * and the value, before the core ever sees the card.
 */
class DummyLimitsTest {

    @Test
    void periodSizeMax_aboveTheKernelsUnsignedInterval_isRefusedNamingIt() {
        assertThatThrownBy(() -> DummySettings.from(DummySettingsTest.config(Map.of("periodSizeMax", Long.MAX_VALUE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("periodSizeMax").hasMessageContaining(String.valueOf(Long.MAX_VALUE));
    }

    @Test
    void bufferSizeMax_aboveTheKernelsUnsignedInterval_isRefusedNamingIt() {
        assertThatThrownBy(() -> DummySettings.from(DummySettingsTest.config(Map.of("bufferSizeMax", 1L << 32))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferSizeMax").hasMessageContaining(String.valueOf(1L << 32));
    }
}
