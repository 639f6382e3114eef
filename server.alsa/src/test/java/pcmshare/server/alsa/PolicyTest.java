package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;

/**
 * Who may do what, by the peer's SO_PEERCRED uid: a program whose uid is granted
 * MONITOR or BUFFER gets a restricted dup of the owner's substream and stops at
 * hw_params (sox says "Operation not permitted", aplay "Unable to install hw
 * params") while the owner's stream plays on,
 * bit-exact; a uid with no grant is refused at open; the container's own uid
 * plays with FULL.
 */
class PolicyTest {

    private static final int MONITOR_UID = 65534;
    private static final int BUFFER_UID = 65533;
    private static final int STRANGER_UID = 65532;

    private ServerRig rig;

    @BeforeEach
    void root() {
        assumeTrue(AlsaServer.ownUid() == 0, "running programs as other users needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/aplay")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "alsa-utils or setpriv is not installed");
        rig = new ServerRig("uid:" + MONITOR_UID + "=MONITOR", "uid:" + BUFFER_UID + "=BUFFER");
        sessionLog.addHandler(refusalHandler);
    }

    private final java.util.logging.Logger sessionLog = java.util.logging.Logger.getLogger("pcmshare.server.alsa");
    private final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.logging.Handler refusalHandler = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            refusals.add(r.getParameters() == null ? r.getMessage()
                    : java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void close() {
        sessionLog.removeHandler(refusalHandler);
        rig.close();
    }

    @Test
    void monitorAndBufferClients_stopAtHwParamsWithEperm_whileTheOwnersStreamPlaysOnBitExact() throws Exception {
        byte[] played = Wav.noise(7, 3 * 48000, 4);
        Path in = rig.dir.resolve("in.wav");
        Wav.write(in, 16, 48000, 2, played);
        Files.setPosixFilePermissions(in, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path out = rig.dir.resolve("out.wav");
        Process rec = rig.start(List.of("arecord", "-D", "pcmshare:Loopback,1,0", "-f", "S16_LE", "-r", "48000",
                "-c", "2", "-d", "4", out.toString()));
        rig.awaitRunning(Direction.CAPTURE);
        Process owner = rig.start(List.of("aplay", "-D", "pcmshare:Loopback,0,0", in.toString()));
        rig.awaitRunning(Direction.PLAYBACK);
        rig.pacer.hold(true); // the owner's stream runs, with time stopped, while the restricted clients try

        for (int uid : new int[] {MONITOR_UID, BUFFER_UID}) {
            // sox names the errno; aplay says only that hw_params could not be installed
            Process sox = rig.start(List.of("sox", "-q", in.toString(), "-t", "alsa", "pcmshare:Loopback,0"), as(uid));
            int soxExit = ServerRig.waitFor(sox, 60);
            String soxErr = ServerRig.stderr(sox);
            assertThat(soxExit).as("sox as uid %d: %s", uid, soxErr).isNotZero();
            assertThat(soxErr).as("sox as uid %d", uid).contains("Operation not permitted");
            Process aplay = rig.start(List.of("aplay", "-D", "pcmshare:Loopback,0", in.toString()), as(uid));
            int aplayExit = ServerRig.waitFor(aplay, 60);
            String aplayErr = ServerRig.stderr(aplay);
            assertThat(aplayExit).as("aplay as uid %d: %s", uid, aplayErr).isNotZero();
            assertThat(aplayErr).as("aplay as uid %d", uid).contains("Unable to install hw params");
        }
        assertThat(refusals.stream().filter(m -> m.contains("HW_PARAMS refused: EPERM")).count())
                .as("the server refused hw_params with EPERM four times: %s", refusals).isEqualTo(4);
        assertThat(refusals).as("each restricted client had a dup of the owner's handle")
                .filteredOn(m -> m.contains("a dup of alsa pid " + owner.pid() + " uid 0 aplay")).hasSize(4);
        rig.pacer.hold(false);

        rig.playedAndRecorded(owner, rec, out, played, 4);
    }

    @Test
    void aUidWithoutAGrant_isRefusedAtOpen() {
        Path in = rig.dir.resolve("in.wav");
        Wav.write(in, 16, 48000, 2, Wav.noise(8, 4800, 4));
        Process p = rig.start(List.of("aplay", "-D", "pcmshare:Loopback,0,0", in.toString()), as(STRANGER_UID));
        int exit = ServerRig.waitFor(p, 60);
        String err = ServerRig.stderr(p);
        assertThat(exit).as(err).isNotZero();
        assertThat(err).contains("audio open error").contains("Operation not permitted");
        assertThat(rig.core.substreams()).as("nothing was opened for it").isEmpty();
    }

    private static List<String> as(int uid) {
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--");
    }

}
