package pcmshare.bench.alsa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.headless.HeadlessCore;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.driver.aloop.Loopback;
import pcmshare.driver.aloop.LoopbackLog;
import pcmshare.driver.aloop.LoopbackSettings;
import pcmshare.server.alsa.StandaloneServer;

/**
 * pcmshare serving ALSA programs in this JVM, as the container would: a headless
 * core on the real monotonic clock, driver.aloop's loopback card with snd-aloop's
 * defaults (card "Loopback"), and the ALSA server on a socket in a folder of its
 * own, with the configuration ({@code ./pcmshare alsa-config}'s) that points aplay
 * and arecord at it.
 */
final class PcmshareServer implements AutoCloseable {

    static final String CARD = "Loopback";

    final Path dir;
    final Path alsaConf;
    private final HeadlessCore core;
    private final StandaloneServer server;

    PcmshareServer() throws IOException {
        dir = Files.createTempDirectory("pcmshare-bench-alsa-");
        core = HeadlessCore.on(Clock.monotonic());
        core.addCard(new Loopback(LoopbackSettings.defaults(), new LoopbackLog() {
            @Override
            public void warn(String message) {
                System.err.println("bench: loopback: " + message);
            }

            @Override
            public void info(String message) {
            }
        }));
        StandaloneServer s;
        try {
            s = StandaloneServer.serve(core, dir.resolve("alsa.sock"));
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
        server = s;
        alsaConf = dir.resolve("asound-pcmshare.conf");
        Files.writeString(alsaConf, server.alsaConfig(CARD));
    }

    /** aplay's device: device 0 of the loopback card, substream 0 (its cable's capture end is device 1). */
    static String playback() {
        return "pcmshare:" + CARD + ",0,0";
    }

    static String capture() {
        return "pcmshare:" + CARD + ",1,0";
    }

    Map<String, String> env() {
        return Map.of("ALSA_CONFIG_PATH", "/usr/share/alsa/alsa.conf:" + alsaConf);
    }

    /** Waits up to 10 s for a stream in direction {@code d} to run (a capture before its playback starts). */
    boolean awaitRunning(Direction d) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (core.substreams().stream()
                    .anyMatch(s -> s.direction() == d && s.status().state() == PcmState.RUNNING)) {
                return true;
            }
            PulseDaemon.sleep(20);
        }
        return false;
    }

    /** Thread names of the server and the core it drives (protocol, clock, listener threads). */
    static boolean serverThread(String name) {
        return name != null && name.startsWith("pcmshare");
    }

    static boolean protocolThread(String name) {
        return name != null && name.startsWith(StandaloneServer.THREAD_PREFIX);
    }

    @Override
    public void close() {
        server.close();
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
