package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.shmem.ContainerFormat;

/** The demo's stream description, as the consumer parses it out of a container it trusts nothing in. */
class StreamDescriptionTest {
    private static final StreamDescription D = new StreamDescription(SampleFormat.S16_LE, 48_000, 2, 440, 96_000,
            960, 50);

    private static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a description survives its payload: what the server writes the consumer reads")
    void roundTrip() {
        assertThat(StreamDescription.parse(D.payload())).isEqualTo(D);
        assertThat(D.wavFormat()).isEqualTo(new WavFormat(SampleFormat.S16_LE, 48_000, 2));
        assertThat(D.frameBytes()).isEqualTo(4);
    }

    @Test
    @DisplayName("the container format is pcmshare's vendor (0x70) in the top 8 bits, never INVALID or NESTING")
    void formatCode() {
        assertThat(ContainerFormat.vendor(StreamDescription.FORMAT)).isEqualTo(0x70);
        assertThat(StreamDescription.FORMAT).isNotIn(ContainerFormat.INVALID, ContainerFormat.NESTING);
    }

    @Test
    @DisplayName("a missing field is refused, naming it")
    void missingField_refused() {
        String t = D.text().replace("rate=48000\n", "");
        assertThatThrownBy(() -> StreamDescription.parse(text(t))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rate' is missing");
    }

    @Test
    @DisplayName("a field given twice is refused: the consumer would not know which to believe")
    void duplicateField_refused() {
        assertThatThrownBy(() -> StreamDescription.parse(text(D.text() + "rate=44100\n")))
                .hasMessageContaining("'rate' given twice");
    }

    @ParameterizedTest
    @ValueSource(strings = { "format=S99", "rate=fast", "channels=0", "tone_hz=-1", "tone_frames=0",
            "period_frames=x", "buffer_periods=-2" })
    @DisplayName("a value that is not a valid one is refused")
    void badValue_refused(String field) {
        String key = field.substring(0, field.indexOf('='));
        String t = D.text().replaceAll("(?m)^" + key + "=.*$", field);
        assertThatThrownBy(() -> StreamDescription.parse(text(t))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("unknown fields, lines without '=', malformed UTF-8 and oversized payloads are refused")
    void malformed_refused() {
        assertThatThrownBy(() -> StreamDescription.parse(text(D.text() + "colour=blue\n")))
                .hasMessageContaining("unknown field 'colour'");
        assertThatThrownBy(() -> StreamDescription.parse(text(D.text() + "noequals\n")))
                .hasMessageContaining("not key=value");
        assertThatThrownBy(() -> StreamDescription.parse(MemorySegment.ofArray(new byte[] { 'a', (byte) 0xff })))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> StreamDescription.parse(MemorySegment.ofArray(new byte[5000])))
                .hasMessageContaining("more than 4096");
    }
}
