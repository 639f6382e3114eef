package pcmshare.server.alsa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.headless.HeadlessCore;
import pcmshare.driver.aloop.Loopback;
import pcmshare.driver.aloop.LoopbackLog;
import pcmshare.driver.aloop.LoopbackSettings;
import pcmshare.sharing.anondup.AnonDupBackend;

/**
 * A server as the container runs it, without the container: a headless core on a
 * manual clock, loopback cards, the anondup backend, and the server on a socket in
 * a folder of its own, with the ALSA configuration that points real programs at it.
 * Time moves only when the {@link Pacer} moves it.
 */
final class ServerRig implements AutoCloseable {

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final HeadlessCore core = HeadlessCore.on(clock);
    final AnonDupBackend anonDup = new AnonDupBackend();
    final Path dir;
    final Path socket;
    final Path alsaConf;
    final AlsaServer server;
    final Pacer pacer;
    private final List<Process> processes = new ArrayList<>();

    ServerRig(String... grants) {
        this(LoopbackSettings.defaults(), grants);
    }

    /** A rig whose clock only the test moves (no pacer). */
    static ServerRig manual() {
        return new ServerRig(LoopbackSettings.defaults(), false, new String[0]);
    }

    ServerRig(LoopbackSettings card, String... grants) {
        this(card, true, grants);
    }

    private ServerRig(LoopbackSettings card, boolean paced, String[] grants) {
        try {
            dir = Files.createTempDirectory("pcmshare-alsa-");
            // programs run as other users in the policy tests reach the socket and the files here
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        core.addCard(new Loopback(card, new LoopbackLog() {
            @Override
            public void warn(String message) {
            }

            @Override
            public void info(String message) {
            }
        }));
        socket = dir.resolve("alsa.sock");
        server = new AlsaServer(core, config(socket.toString(), grants, 300), Map.of(), null, ServerLog.system());
        server.anonDup(anonDup);
        alsaConf = dir.resolve("asound.conf");
        write(alsaConf, AlsaConfigText.render(socket, AlsaConfigText.DEFAULT_CARD, true));
        pacer = paced ? new Pacer(clock, server) : null;
    }

    /** A program with ALSA's configuration pointing at this server. */
    Process start(List<String> command) {
        return start(command, List.of());
    }

    /** A program run through {@code prefix} (e.g. setpriv to change its user). */
    Process start(List<String> command, List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("ALSA_CONFIG_PATH", "/usr/share/alsa/alsa.conf:" + alsaConf);
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits (without moving time) until a client's stream in direction {@code d} runs:
     * a capture must run before the playback starts, or it misses the first frames.
     */
    void awaitRunning(pcmshare.core.api.pcm.Direction d) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.clients().stream().noneMatch(c -> {
            pcmshare.core.api.pcm.PcmSubstream h = c.handle();
            return h != null && h.direction() == d && h.state() == pcmshare.core.api.pcm.PcmState.RUNNING;
        })) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + d + " stream runs after 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    /**
     * The player and the recorder end well, without an xrun (neither may run with -q,
     * which hides xruns), and the recording holds what was played, bit-exact; time moves
     * for the capture alone once the player is done.
     */
    void playedAndRecorded(Process player, Process recorder, Path recording, byte[] played, int frameBytes) {
        int playerExit = waitFor(player, 60);
        String playerErr = stderr(player);
        org.assertj.core.api.Assertions.assertThat(playerExit).as("player: %s", playerErr).isZero();
        org.assertj.core.api.Assertions.assertThat(playerErr).as("player").doesNotContain("underrun");
        pacer.captureAlone(true);
        int recorderExit = waitFor(recorder, 60);
        String recorderErr = stderr(recorder);
        org.assertj.core.api.Assertions.assertThat(recorderExit).as("recorder: %s", recorderErr).isZero();
        org.assertj.core.api.Assertions.assertThat(recorderErr).as("recorder").doesNotContain("overrun");
        AplayArecordTest.assertBitExact(Wav.data(recording), played, frameBytes);
    }

    static String stderr(Process p) {
        try {
            return new String(p.getErrorStream().readAllBytes());
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    static int waitFor(Process p, long seconds) {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(p.info().commandLine().orElse("program") + " did not end within "
                        + seconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AlsaServerConfig config(String socket, String[] grants, int handshakeMs) {
        return StandaloneServer.config(socket, grants, handshakeMs, 64);
    }

    static Map<String, Object> properties() {
        return new HashMap<>();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        if (pacer != null) {
            pacer.close();
        }
        server.deactivate();
        core.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
