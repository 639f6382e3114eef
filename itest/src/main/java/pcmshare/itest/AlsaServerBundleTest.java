package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.pcm.PcmCore;

/**
 * The ALSA server as a bundle in the container: aplay plays through it in real
 * time; stopping the bundle disconnects the program that plays (its next call
 * fails) and leaves no thread, descriptor, SysV segment or socket file; started
 * again over a stale socket file (a killed container's), it serves again.
 */
class AlsaServerBundleTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @Test
    void aplayPlays_stoppingTheBundleDisconnectsIt_andLeavesNothing_startingItAgainOverAStaleSocketServes()
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/aplay")), "alsa-utils is not installed");
        Path socket = Path.of(context.getProperty("pcmshare.alsa.socket"));
        Bundle server = bundle("server.alsa");
        await("the server listens on " + socket, () -> Files.exists(socket));
        Path dir = Files.createTempDirectory("pcmshare-itest-alsa-");
        Path conf = dir.resolve("asound.conf");
        Files.writeString(conf, ContainerTest.run(gogo, "alsa:config"));
        assertThat(Files.readString(conf)).contains("socket \"" + socket + "\"");
        Path wav = dir.resolve("tone.wav");
        writeWav(wav, 48000 / 5);

        Process short1 = aplay(conf, wav);
        assertThat(short1.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(short1.exitValue()).as(stderr(short1)).isZero();

        int threads = serverThreads();
        int segments = segments();
        long fds = openFds();
        writeWav(wav, 48000 * 20);
        Process playing = aplay(conf, wav);
        try {
            stopMidStream(server, socket, playing, segments, fds, threads);
        } finally {
            playing.destroyForcibly();
        }

        // a killed container leaves its socket file behind; nobody listens on it
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).isTrue();
        server.start();
        await("the server serves again", () -> run("alsa:clients").contains("socket " + socket));
        writeWav(wav, 48000 / 5);
        Process again = aplay(conf, wav);
        try {
            assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(again.exitValue()).as(stderr(again)).isZero();
        } finally {
            again.destroyForcibly();
        }
    }

    private void stopMidStream(Bundle server, Path socket, Process playing, int segments, long fds, int threads)
            throws Exception {
        await("aplay plays", () -> run("pcm:list --open").contains("aplay"));
        assertThat(ContainerTest.run(gogo, "alsa:clients")).contains("aplay").contains("FULL");
        server.stop();
        assertThat(playing.waitFor(30, TimeUnit.SECONDS)).as("aplay ends once the server is gone").isTrue();
        assertThat(playing.exitValue()).as("its next call failed").isNotZero();
        assertThat(Files.exists(socket)).as("socket file").isFalse();
        await("no server thread", () -> serverThreads() == 0);
        await("SysV segments back to where they were", () -> segmentsNow() <= segments);
        assertThat(openFds()).as("descriptors").isLessThanOrEqualTo(fds);
        assertThat(core.substreams()).as("substreams open").noneMatch(s -> s.holder().contains("aplay"));
        assertThat(threads).isPositive();
    }

    /** Whatever happened, the bundle runs again for the tests that follow. */
    @AfterEach
    void serverRuns() throws Exception {
        Bundle server = bundle("server.alsa");
        if (server.getState() != Bundle.ACTIVE) {
            server.start();
        }
    }

    private String run(String line) {
        try {
            return ContainerTest.run(gogo, line);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Bundle bundle(String name) {
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + name);
    }

    private static Process aplay(Path conf, Path wav) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of("aplay", "-q", "-D", "pcmshare:Loopback,0,0", wav.toString()));
        pb.environment().put("ALSA_CONFIG_PATH", "/usr/share/alsa/alsa.conf:" + conf);
        return pb.start();
    }

    private static String stderr(Process p) throws IOException {
        try (InputStream in = p.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void writeWav(Path file, int frames) throws IOException {
        byte[] data = new byte[frames * 4];
        new Random(1).nextBytes(data);
        ByteBuffer h = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 2).putInt(48000).putInt(48000 * 4).putShort((short) 4)
                .putShort((short) 16).put("data".getBytes()).putInt(data.length).put(data);
        Files.write(file, h.array());
    }

    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pcmshare-alsa"))
                .count();
    }

    private static int segments() throws IOException {
        return Files.readAllLines(Path.of("/proc/sysvipc/shm")).size() - 1;
    }

    private static int segmentsNow() {
        try {
            return segments();
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
