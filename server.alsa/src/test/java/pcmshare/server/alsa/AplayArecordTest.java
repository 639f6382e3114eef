package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;

import pcmshare.core.api.pcm.Range;
import pcmshare.driver.aloop.LoopbackSettings;
import pcmshare.server.alsa.sys.Fds;

/**
 * Stock alsa-utils against the server: aplay plays a WAV to the loopback's device 0
 * while arecord records device 1, both through alsa-lib's shm plugin; what arrives
 * is bit-exact, with no xrun, and aplay wrote it straight into the card's ring,
 * which its /proc/PID/maps shows as the ring's memfd.
 */
class AplayArecordTest {

    private ServerRig rig;

    @BeforeAll
    static void programs() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/aplay")) && Files.isExecutable(Path.of("/usr/bin/arecord")),
                "alsa-utils is not installed (./pcmshare test installs it)");
    }

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aplayToArecord_s16le48kStereo5s_isBitExact_noXrun_andAplayMappedTheRingMemfd() {
        rig = new ServerRig();
        byte[] played = Wav.noise(1, 5 * 48000, 4);
        Result r = playAndRecord("S16_LE", 16, 48000, 2, played, "pcmshare:Loopback,0,0", List.of(), true);
        assertThat(r.ring).as("the ring the server handed aplay").isNotNull();
        assertThat(r.mappedRing).as("aplay's /proc/PID/maps lists the ring's memfd").contains("/memfd:" + r.ring + " ");
        assertBitExact(r.recorded, played, 4);
    }

    @Test
    void aplayToArecord_s32le96k_isBitExact() {
        rig = new ServerRig();
        byte[] played = Wav.noise(2, 2 * 96000, 8);
        Result r = playAndRecord("S32_LE", 32, 96000, 2, played, "pcmshare:Loopback,0,0", List.of(), false);
        assertBitExact(r.recorded, played, 8);
    }

    /** alsa-lib's plug converts 44.1 kHz mono for a card that takes only 48 kHz stereo: pcmshare answers its refinement. */
    @Test
    void plugConvertsMono44kForACardOf48kStereoOnly_theRecordingHasTheConvertedLength() {
        rig = new ServerRig(LoopbackSettings.defaults().withRates(Range.of(48000, 48000))
                .withChannels(Range.of(2, 2)));
        byte[] played = Wav.noise(3, 44100, 2);
        Path in = rig.dir.resolve("mono.wav");
        Wav.write(in, 16, 44100, 1, played);
        Path out = rig.dir.resolve("out.wav");
        Process rec = rig.start(List.of("arecord", "-q", "-D", "pcmshare:Loopback,1,0", "-f", "S16_LE", "-r",
                "48000", "-c", "2", "-d", "2", out.toString()));
        rig.awaitRunning(Direction.CAPTURE);
        Process play = rig.start(List.of("aplay", "-q", "-D", "plug:'pcmshare:Loopback,0,0'", in.toString()));
        assertThat(ServerRig.waitFor(play, 60)).as("aplay: %s", ServerRig.stderr(play)).isZero();
        rig.pacer.captureAlone(true);
        assertThat(ServerRig.waitFor(rec, 60)).as("arecord: %s", ServerRig.stderr(rec)).isZero();
        byte[] recorded = Wav.data(out);
        assertThat(recorded.length).as("two seconds at 48 kHz stereo").isEqualTo(2 * 48000 * 4);
        int lead = Wav.lead(recorded, 4);
        int last = recorded.length - 1;
        while (last > lead && recorded[last] == 0) {
            last--;
        }
        int frames = (last - lead) / 4 + 1;
        // one second at 44.1 kHz is one second at 48 kHz, give or take the rate converter's edges
        assertThat(frames).isBetween(47_900, 48_100);
        for (int i = lead; i + 4 <= recorded.length; i += 4) {
            // mono to stereo: alsa-lib's route copies the one channel to both
            assertThat(recorded[i + 2]).as("right = left at frame %d", (i - lead) / 4).isEqualTo(recorded[i]);
            assertThat(recorded[i + 3]).isEqualTo(recorded[i + 1]);
        }
    }

    record Result(byte[] recorded, String mappedRing, String ring) {
    }

    private Result playAndRecord(String format, int bits, int rate, int channels, byte[] played, String device,
            List<String> extra, boolean watchMaps) {
        Path in = rig.dir.resolve("in.wav");
        Wav.write(in, bits, rate, channels, played);
        Path out = rig.dir.resolve("out.wav");
        int seconds = played.length / (bits / 8 * channels) / rate + 1;
        Process rec = rig.start(List.of("arecord", "-D", "pcmshare:Loopback,1,0", "-f", format, "-r",
                String.valueOf(rate), "-c", String.valueOf(channels), "-d", String.valueOf(seconds), out.toString()));
        rig.awaitRunning(Direction.CAPTURE);
        rig.pacer.hold(watchMaps); // time stands still while the test looks at aplay's mappings
        Process play = rig.start(List.of("aplay", "-D", device, in.toString()));
        String maps = "";
        String ring = null;
        if (watchMaps) {
            maps = mapsWithMemfd(play);
            ring = rig.server.clients().stream().filter(c -> c.peer() != null && c.peer().pid() == play.pid())
                    .map(Client::ringName).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            rig.pacer.hold(false);
        }
        assertThat(ServerRig.waitFor(play, 60)).as("aplay: %s", ServerRig.stderr(play)).isZero();
        rig.pacer.captureAlone(true);
        int recExit = ServerRig.waitFor(rec, 60);
        String recErr = ServerRig.stderr(rec);
        assertThat(recExit).as("arecord: %s", recErr).isZero();
        assertThat(recErr).doesNotContain("overrun").doesNotContain("underrun");
        return new Result(Wav.data(out), maps, ring);
    }

    /** aplay's mappings once it has mapped the ring (it maps it right after hw_params). */
    private static String mapsWithMemfd(Process p) {
        while (p.isAlive()) {
            String maps = String.join("\n", Fds.procMaps((int) p.pid()));
            if (maps.contains("memfd:")) {
                return maps;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return "";
    }


    static void assertBitExact(byte[] recorded, byte[] played, int frameBytes) {
        int lead = Wav.lead(recorded, frameBytes);
        assertThat(recorded.length - lead).as("recorded after the leading silence").isGreaterThanOrEqualTo(played.length);
        byte[] got = Arrays.copyOfRange(recorded, lead, lead + played.length);
        int mismatch = Arrays.mismatch(got, played);
        assertThat(mismatch).as("first differing byte after %d bytes of leading silence%s", lead,
                mismatch < 0 ? "" : shift(got, played)).isEqualTo(-1);
    }

    /** Where a piece from the middle of what was played turns up in the recording, if it does. */
    private static String shift(byte[] got, byte[] played) {
        int probe = played.length / 2;
        byte[] w = Arrays.copyOfRange(played, probe, probe + 32);
        for (int i = 0; i + 32 <= got.length; i++) {
            if (Arrays.mismatch(got, i, i + 32, w, 0, 32) < 0) {
                return "; played byte " + probe + " was recorded at " + i;
            }
        }
        return "; the middle of what was played is nowhere in the recording";
    }
}
