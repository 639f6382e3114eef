package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;

/**
 * Other programs nobody here wrote: sox plays and records through the shm plugin;
 * a javax.sound.sampled program in a second JVM, with ALSA's default device pointing
 * at pcmshare, plays a tone that arrives bit-exact at the loopback's capture.
 */
class SoxAndJavaSoundTest {

    private ServerRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void soxPlaysWhileSoxRecords_s16le48kStereo_isBitExact() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sox")), "sox is not installed (./pcmshare test installs it)");
        rig = new ServerRig();
        byte[] played = Wav.noise(4, 2 * 48000, 4);
        Path in = rig.dir.resolve("in.wav");
        Wav.write(in, 16, 48000, 2, played);
        Path out = rig.dir.resolve("out.wav");
        Process rec = rig.start(List.of("sox", "-q", "-t", "alsa", "pcmshare:Loopback,1,0", "-r", "48000", "-c", "2",
                "-b", "16", "-e", "signed-integer", out.toString(), "trim", "0", "3"));
        rig.awaitRunning(Direction.CAPTURE);
        Process play = rig.start(List.of("sox", "-q", in.toString(), "-t", "alsa", "pcmshare:Loopback,0,0"));
        rig.playedAndRecorded(play, rec, out, played, 4);
    }

    @Test
    void javaSoundInASecondJvm_playsThroughAlsasDefault_bitExactAtTheCapture() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/arecord")), "alsa-utils is not installed");
        rig = new ServerRig();
        Path source = rig.dir.resolve("Tone.java");
        Files.writeString(source, TONE_PROGRAM);
        Path out = rig.dir.resolve("out.wav");
        Process rec = rig.start(List.of("arecord", "-q", "-D", "pcmshare:Loopback,1,0", "-f", "S16_LE", "-r", "48000",
                "-c", "2", "-d", "2", out.toString()));
        rig.awaitRunning(Direction.CAPTURE);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process tone = rig.start(List.of(java.toString(), source.toString()));
        rig.playedAndRecorded(tone, rec, out, tone(), 4);
    }

    /** The tone the program plays: 1 kHz, 48 kHz stereo S16_LE, one second, left and right a quarter apart. */
    static byte[] tone() {
        ByteBuffer b = ByteBuffer.allocate(48000 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 48000; i++) {
            b.putShort((short) (Math.round(Math.sin(2 * Math.PI * 1000 * i / 48000.0) * 12000) + 1));
            b.putShort((short) (Math.round(Math.cos(2 * Math.PI * 1000 * i / 48000.0) * 12000) + 1));
        }
        return b.array();
    }

    /** A plain Java Sound program, as anyone would write it: AudioSystem's default line, write, drain, close. */
    private static final String TONE_PROGRAM = """
            import java.nio.ByteBuffer;
            import java.nio.ByteOrder;
            import javax.sound.sampled.AudioFormat;
            import javax.sound.sampled.AudioSystem;
            import javax.sound.sampled.SourceDataLine;

            public class Tone {
                public static void main(String[] args) throws Exception {
                    ByteBuffer b = ByteBuffer.allocate(48000 * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < 48000; i++) {
                        b.putShort((short) (Math.round(Math.sin(2 * Math.PI * 1000 * i / 48000.0) * 12000) + 1));
                        b.putShort((short) (Math.round(Math.cos(2 * Math.PI * 1000 * i / 48000.0) * 12000) + 1));
                    }
                    AudioFormat f = new AudioFormat(48000f, 16, 2, true, false);
                    SourceDataLine line = AudioSystem.getSourceDataLine(f);
                    line.open(f);
                    line.start();
                    line.write(b.array(), 0, b.capacity());
                    line.drain();
                    line.close();
                }
            }
            """;

}
