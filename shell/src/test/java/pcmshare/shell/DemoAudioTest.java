package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo's tone and its comparison of a recording with what was played. */
class DemoAudioTest {
    private static final int FB = 4;
    private static final byte[] TONE = DemoAudio.toneS16(440, 48_000, 2, 4_800);

    private static byte[] recording(int leadingFrames, byte[] played, int trailingFrames) {
        byte[] r = new byte[(leadingFrames + trailingFrames) * FB + played.length];
        System.arraycopy(played, 0, r, leadingFrames * FB, played.length);
        return r;
    }

    @Test
    @DisplayName("the tone starts at phase 0 (a silent first frame), is the same on both channels, at -12 dBFS")
    void tone() {
        assertThat(DemoAudio.firstSoundingFrame(TONE, FB)).isEqualTo(1);
        short max = 0;
        for (int i = 0; i < TONE.length; i += 2) {
            short v = (short) (TONE[i] & 0xff | TONE[i + 1] << 8);
            max = (short) Math.max(max, v);
            if (i % 4 == 0) {
                assertThat(TONE[i + 2]).isEqualTo(TONE[i]);
                assertThat(TONE[i + 3]).isEqualTo(TONE[i + 1]);
            }
        }
        assertThat(max).isEqualTo((short) Math.round(0.25 * Short.MAX_VALUE));
    }

    @Test
    @DisplayName("leading silence before the first played frame is allowed: alignment on the first sounding frame")
    void leadingSilence_aligned() {
        DemoAudio.Match m = DemoAudio.compare(TONE, recording(145, TONE, 960), FB);
        assertThat(m.exact()).as(m.problem()).isTrue();
        assertThat(m.leadingFrames()).isEqualTo(145);
        assertThat(m.recordedFrames()).isEqualTo(145 + 4_800 + 960);
    }

    @Test
    @DisplayName("no leading silence at all still aligns: the played frame 0 is silent too")
    void noLeadingSilence_aligned() {
        DemoAudio.Match m = DemoAudio.compare(TONE, recording(0, TONE, 0), FB);
        assertThat(m.exact()).isTrue();
        assertThat(m.leadingFrames()).isZero();
    }

    @Test
    @DisplayName("one bit changed anywhere is found, naming the frame")
    void oneBitFlipped_found() {
        byte[] r = recording(10, TONE, 100);
        r[(10 + 3_333) * FB + 1] ^= 1;
        DemoAudio.Match m = DemoAudio.compare(TONE, r, FB);
        assertThat(m.exact()).isFalse();
        assertThat(m.firstDiffering()).isEqualTo(3_333);
        assertThat(m.problem()).contains("played frame 3333");
    }

    @Test
    @DisplayName("the full played length must be there: a recording cut short fails")
    void truncated_fails() {
        byte[] r = Arrays.copyOf(recording(10, TONE, 0), (10 + 4_000) * FB);
        DemoAudio.Match m = DemoAudio.compare(TONE, r, FB);
        assertThat(m.exact()).isFalse();
        assertThat(m.problem()).contains("ends after 4000 of the 4800");
    }

    @Test
    @DisplayName("a lost frame in the middle fails, a recording missing its start fails, silence fails")
    void lostOrMissing_fails() {
        byte[] lost = new byte[TONE.length - FB];
        System.arraycopy(TONE, 0, lost, 0, 2_000 * FB);
        System.arraycopy(TONE, 2_001 * FB, lost, 2_000 * FB, TONE.length - 2_001 * FB);
        assertThat(DemoAudio.compare(TONE, recording(5, lost, 960), FB).exact()).isFalse();
        byte[] late = Arrays.copyOfRange(TONE, 50 * FB, TONE.length);
        assertThat(DemoAudio.compare(TONE, late, FB).exact()).isFalse();
        assertThat(DemoAudio.compare(TONE, new byte[TONE.length], FB).problem()).contains("all silence");
    }
}
