package pcmshare.bench.alsa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The peer: Debian's pulseaudio daemon with a null sink and a native-protocol socket
 * in a folder of its own, and alsa-lib's pulse plugin (libasound2-plugins) that
 * aplay plays to, through a PCM the benchmark's own ALSA configuration names. Nothing
 * relies on the packages' configuration hooks (which make "default" PulseAudio for
 * every ALSA program): when the benchmark installs the packages itself it keeps their
 * ALSA configuration files and rate-converter plugins off the system (dpkg
 * --path-exclude), so that no other ALSA program changes.
 */
final class PulseDaemon implements AutoCloseable {

    static final String SINK = "pcmshare_bench";
    static final List<String> PACKAGES = List.of("pulseaudio", "libasound2-plugins");
    private static final List<String> PLUGIN_DIRS = List.of("/usr/lib/x86_64-linux-gnu/alsa-lib",
            "/usr/lib64/alsa-lib", "/usr/lib/alsa-lib");
    /** What the benchmark's install leaves out: ALSA hooks (default → pulse) and rate converters (plug's choice). */
    static final List<String> PATH_EXCLUDES = List.of("/etc/alsa/conf.d/*", "/usr/share/alsa/alsa.conf.d/*",
            "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_rate_*");

    final Path dir;
    final Path socket;
    final Path alsaConf;
    final Path log;
    private final Process process;

    private PulseDaemon(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("native");
        this.alsaConf = dir.resolve("asound-pulse.conf");
        this.log = dir.resolve("pulseaudio.log");
        this.process = process;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The ALSA PCM aplay plays to. */
    static String pcm() {
        return "pcmshare_bench_pulse";
    }

    /** Why the peer cannot run here (what is missing), or null when it can. */
    static String missing() {
        List<String> gone = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/pulseaudio"))) {
            gone.add("pulseaudio (/usr/bin/pulseaudio)");
        }
        if (plugin() == null) {
            gone.add("libasound2-plugins (libasound_module_pcm_pulse.so in " + String.join(", ", PLUGIN_DIRS) + ")");
        }
        return gone.isEmpty() ? null : "missing: " + String.join("; ", gone);
    }

    static Path plugin() {
        for (String d : PLUGIN_DIRS) {
            Path p = Path.of(d, "libasound_module_pcm_pulse.so");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Installs the packages with apt-get when they are missing and this process is root, without their ALSA
     * configuration files (see {@link #PATH_EXCLUDES}). Returns what it did, or why it did not, for the report.
     */
    static String installIfMissing(Consumer<String> log) {
        String missing = missing();
        if (missing == null) {
            return null;
        }
        if (!"0".equals(run(List.of("id", "-u"), 10).strip()) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return "not installed (" + missing + "; installing needs root and apt-get: run `apt-get install "
                    + String.join(" ", PACKAGES) + "`)";
        }
        log.accept("installing " + String.join(" ", PACKAGES) + " with apt-get (without their ALSA hooks)");
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        for (String x : PATH_EXCLUDES) {
            cmd.add("-o");
            cmd.add("DPkg::Options::=--path-exclude=" + x);
        }
        cmd.addAll(PACKAGES);
        String out = run(cmd, 600);
        if (missing() != null) {
            run(List.of("apt-get", "update", "-q"), 300);
            out = run(cmd, 600);
        }
        String still = missing();
        return still == null ? "installed by this run: `" + String.join(" ", cmd) + "`"
                : "installing failed (" + still + "): " + last(out, 300);
    }

    /** The installed packages' versions, e.g. "pulseaudio 16.1+dfsg1-2+b1, libasound2-plugins 1.2.7.1-1". */
    static String versions() {
        List<String> v = new ArrayList<>();
        for (String p : PACKAGES) {
            String out = run(List.of("dpkg-query", "-W", "-f=${Version}", p), 10).strip();
            v.add(p + " " + (out.isEmpty() || out.contains("no packages") ? "?" : out));
        }
        return String.join(", ", v);
    }

    /** ALSA configuration files on this system that route programs to PulseAudio (the packages' hooks). */
    static List<Path> pulseHooks() {
        List<Path> found = new ArrayList<>();
        for (String d : List.of("/etc/alsa/conf.d", "/usr/share/alsa/alsa.conf.d")) {
            try (var files = Files.list(Path.of(d))) {
                files.filter(f -> f.getFileName().toString().contains("pulse")
                        && !f.getFileName().toString().endsWith(".example")).forEach(found::add);
            } catch (IOException e) {
                // no such folder
            }
        }
        return found;
    }

    /** Starts the daemon in a folder of its own and waits for its socket. */
    static PulseDaemon start() throws IOException {
        Path dir = Files.createTempDirectory("pcmshare-bench-pulse-");
        Path socket = dir.resolve("native");
        List<String> cmd = List.of("pulseaudio", "--daemonize=no", "--system=false", "--exit-idle-time=-1", "-n",
                "--use-pid-file=no", "--log-target=stderr",
                "-L", "module-null-sink sink_name=" + SINK + " format=s16le rate=48000 channels=2",
                "-L", "module-native-protocol-unix socket=" + socket + " auth-anonymous=1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pulseaudio.log").toFile());
        // root's own runtime folder and cookie stay untouched; the daemon's files go to the folder
        pb.environment().put("XDG_RUNTIME_DIR", dir.toString());
        pb.environment().put("HOME", dir.toString());
        pb.environment().remove("PULSE_SERVER");
        PulseDaemon d = new PulseDaemon(dir, pb.start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(socket)) {
            if (!d.process.isAlive() || System.nanoTime() > deadline) {
                String why = d.logTail();
                d.close();
                throw new IOException("pulseaudio did not start (" + (d.process.isAlive() ? "no socket after 15 s"
                        : "exit " + d.process.exitValue()) + "): " + why);
            }
            sleep(50);
        }
        Files.writeString(d.alsaConf, "pcm." + pcm() + " {\n\ttype pulse\n\tserver \"unix:" + socket
                + "\"\n\tdevice \"" + SINK + "\"\n}\n");
        return d;
    }

    /** The environment aplay runs in: only the benchmark's configuration names the pulse PCM. */
    Map<String, String> env() {
        return Map.of("ALSA_CONFIG_PATH", "/usr/share/alsa/alsa.conf:" + alsaConf, "PULSE_SERVER", "unix:" + socket,
                "XDG_RUNTIME_DIR", dir.toString(), "HOME", dir.toString());
    }

    ProcStat stat() {
        return ProcStat.of(process.pid());
    }

    String logTail() {
        try {
            return last(Files.readString(log, StandardCharsets.UTF_8), 400);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    /** Runs {@code cmd} (killed after {@code seconds}) and returns its output. */
    static String run(List<String> cmd, long seconds) {
        Path out = null;
        try {
            out = Files.createTempFile("pcmshare-bench-", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    private static String last(String s, int n) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= n ? t : "…" + t.substring(t.length() - n);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
