package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Path;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioFormat.Encoding;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import pcmshare.core.api.pcm.SampleFormat;

/** javax.sound.sampled's AudioFormat against SampleFormat, rate and channels, and WAV files through it. */
class WavFormatTest {

    @Test
    void s16leStereo48k() {
        AudioFormat f = new AudioFormat(48_000, 16, 2, true, false);
        assertThat(WavFormat.of(f)).isEqualTo(new WavFormat(SampleFormat.S16_LE, 48_000, 2));
    }

    @Test
    void bigEndianSixteenBitIsS16BE() {
        assertThat(WavFormat.of(new AudioFormat(44_100, 16, 1, true, true)).format()).isEqualTo(SampleFormat.S16_BE);
    }

    @Test
    void eightBitSignedAndUnsigned() {
        assertThat(WavFormat.of(new AudioFormat(8_000, 8, 1, true, false)).format()).isEqualTo(SampleFormat.S8);
        assertThat(WavFormat.of(new AudioFormat(8_000, 8, 1, false, false)).format()).isEqualTo(SampleFormat.U8);
    }

    @ParameterizedTest
    @EnumSource(value = SampleFormat.class, names = "S24_LE", mode = EnumSource.Mode.EXCLUDE)
    void audioFormatMapsBackToTheSameSampleFormat(SampleFormat sf) {
        WavFormat w = new WavFormat(sf, 32_000, 3);
        assertThat(WavFormat.of(w.audioFormat())).isEqualTo(w);
        assertThat(w.audioFormat().getFrameSize()).isEqualTo(sf.bytes() * 3);
    }

    @Test
    void s24InThirtyTwoBitsHasNoAudioFormat() {
        assertThatThrownBy(() -> new WavFormat(SampleFormat.S24_LE, 48_000, 2).audioFormat())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("S24_LE");
    }

    @Test
    void muLawIsRefusedNamingTheFormatAndWhatIsSupported() {
        AudioFormat ulaw = new AudioFormat(Encoding.ULAW, 8_000, 8, 1, 1, 8_000, false);
        assertThatThrownBy(() -> WavFormat.of(ulaw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ULAW 8-bit")
                .hasMessageContaining("supported: linear PCM")
                .hasMessageContaining("S16_LE");
    }

    @Test
    void fractionalRateIsRefused() {
        assertThatThrownBy(() -> WavFormat.of(new AudioFormat(44_100.5f, 16, 2, true, false)))
                .hasMessageContaining("44100.5 Hz");
    }

    @Test
    void twelveBitSamplesAreRefused() {
        assertThatThrownBy(() -> WavFormat.of(new AudioFormat(Encoding.PCM_SIGNED, 8_000, 12, 1, 2, 8_000, false)))
                .hasMessageContaining("12-bit");
    }

    @ParameterizedTest
    @EnumSource(value = SampleFormat.class, names = {"U8", "S16_LE", "S24_3LE", "S32_LE", "FLOAT_LE", "FLOAT64_LE"})
    void everySupportedFormatSurvivesAWavFileRoundTrip(SampleFormat sf, @TempDir Path dir) throws Exception {
        WavFormat w = new WavFormat(sf, 48_000, 2);
        assertThat(w.fitsWav()).isTrue();
        int frames = 10;
        byte[] data = new byte[frames * w.frameBytes()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        File file = dir.resolve("x.wav").toFile();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(data), w.audioFormat(), frames),
                AudioFileFormat.Type.WAVE, file);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file)) {
            assertThat(WavFormat.of(in.getFormat())).isEqualTo(w);
            assertThat(in.getFrameLength()).isEqualTo(frames);
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SampleFormat.class, names = {"S8", "S16_BE", "S24_LE"})
    void formatsAWavFileCannotHoldAreSaidSo(SampleFormat sf) {
        assertThat(new WavFormat(sf, 48_000, 2).fitsWav()).isFalse();
    }
}
