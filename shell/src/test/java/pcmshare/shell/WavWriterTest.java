package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pcmshare.core.api.pcm.SampleFormat;

class WavWriterTest {
    @TempDir
    Path dir;

    @Test
    void closedAfterSomePeriods_isAValidWavOfExactlyThoseFrames() throws Exception {
        Path path = dir.resolve("part.wav");
        WavFormat f = new WavFormat(SampleFormat.S16_LE, 48_000, 2);
        byte[] period = new byte[480 * 4];
        for (int i = 0; i < period.length; i++) {
            period[i] = (byte) i;
        }
        try (WavWriter w = new WavWriter(path, f)) {
            w.write(period, period.length);
            w.write(period, period.length);
            w.write(period, 100 * 4);
            assertThat(w.frames()).isEqualTo(1060);
        }
        assertThat(Files.size(path)).isEqualTo(44 + 1060 * 4);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(path.toFile())) {
            assertThat(in.getFrameLength()).isEqualTo(1060);
            assertThat(in.getFormat().getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(in.readAllBytes()).hasSize(1060 * 4).startsWith(period[0], period[1], period[2]);
        }
    }

    @Test
    void nothingWritten_isAValidEmptyWav_andFloatIsIeeeFloat() throws Exception {
        Path path = dir.resolve("empty.wav");
        new WavWriter(path, new WavFormat(SampleFormat.FLOAT_LE, 44_100, 1)).close();
        try (AudioInputStream in = AudioSystem.getAudioInputStream(path.toFile())) {
            assertThat(in.getFrameLength()).isZero();
            assertThat(in.getFormat().getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_FLOAT);
            assertThat(in.getFormat().getSampleRate()).isEqualTo(44_100f);
        }
    }
}
