package pcmshare.core.api.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.SampleFormat;

class DriverConfigurationTest {
    @interface Config {
        int rateMin() default 1;

        long skewPpm() default 0;

        double level() default 0.5;

        boolean fakeBuffer() default false;

        SampleFormat format() default SampleFormat.S16_LE;

        int[] rates() default {};

        String name() default "";

        int pcm__substreams() default 8;

        String timer_source() default "";
    }

    @Test
    void propertyNamesFollowDeclarativeServicesMapping() {
        assertThat(DriverConfiguration.propertyName("pcm__substreams")).isEqualTo("pcm_substreams");
        assertThat(DriverConfiguration.propertyName("timer_source")).isEqualTo("timer.source");
        assertThat(DriverConfiguration.propertyName("a$$b")).isEqualTo("a$b");
        assertThat(DriverConfiguration.propertyName("a$_$b")).isEqualTo("a-b");
        assertThat(DriverConfiguration.propertyName("a$b")).isEqualTo("ab");
    }

    @Test
    void wholeNumberPropertyRefusesTextNamingPropertyAndValue() {
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("rateMin", "abc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rateMin = abc: not a whole number");
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("skewPpm", "1e9")))
                .hasMessageStartingWith("skewPpm = 1e9: not a whole number");
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("rateMin", 3_000_000_000L)))
                .hasMessage("rateMin = 3000000000: outside [-2147483648, 2147483647]");
    }

    @Test
    void otherTypesRefuseWhatTheyCannotBe() {
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("level", "loud")))
                .hasMessage("level = loud: not a number");
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("fakeBuffer", "yes")))
                .hasMessage("fakeBuffer = yes: neither true nor false");
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("format", "S16")))
                .hasMessageStartingWith("format = S16: not one of [");
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("rates", List.of("48000", "x"))))
                .hasMessage("rates = [48000, x]: not a whole number (digits only, e.g. 48000)");
    }

    @Test
    void allowedValuesAreListedSorted() {
        assertThatThrownBy(() -> DriverConfiguration.checkValues(Config.class, Map.of("format", "S16")))
                .hasMessage("format = S16: not one of [FLOAT64_LE, FLOAT_LE, S16_BE, S16_LE, S24_3LE, S24_LE, S32_LE, "
                        + "S8, U8]");
    }

    @Test
    void convertibleValuesPass() {
        assertThatCode(() -> DriverConfiguration.checkValues(Config.class, Map.of("rateMin", " 8000 ", "skewPpm", 250,
                "level", "0.25", "fakeBuffer", "TRUE", "format", "S32_LE", "rates", new String[] {"44100", "48000"},
                "name", "anything", "pcm_substreams", "4"))).doesNotThrowAnyException();
    }

    @Test
    void unknownKeysAreListedFrameworkKeysAside() {
        assertThat(DriverConfiguration.unknownKeys(Config.class, Map.of("rateMin", 1, "skewPmp", 2, "service.pid",
                "x", "component.id", 3L, "felix.fileinstall.filename", "f", "card.target", "(x=y)", "pcm_substreams",
                4))).containsExactly("skewPmp");
    }
}
