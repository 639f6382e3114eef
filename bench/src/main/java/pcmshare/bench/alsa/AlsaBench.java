package pcmshare.bench.alsa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import pcmshare.core.api.pcm.Direction;

/**
 * Stock ALSA programs through pcmshare beside PulseAudio, on the real clock: whole
 * processes, so plain timed runs rather than JMH.
 *
 * <ol>
 * <li>CPU per second of audio, server plus client: aplay plays a WAV (48 kHz stereo
 * S16_LE, {@code --period-size=N --buffer-size=4N}) through pcmshare (alsa-lib's shm
 * plugin to the loopback card, nobody capturing) and through PulseAudio (alsa-lib's
 * pulse plugin to a null sink), at each period, one system after the other.</li>
 * <li>The smallest period at which aplay through pcmshare, while arecord records the
 * loopback's other end, runs the whole file with no xrun: periods from the largest
 * down, stopping at the first that xruns.</li>
 * </ol>
 *
 * <p>{@link pcmshare.bench.Suite} runs it as its last part; {@code ./pcmshare bench alsa}
 * runs it alone ({@link AlsaBenchMain}).
 */
public final class AlsaBench {

    /** How long and at which periods: the full run's 60 s per case, or the quick one's few seconds. */
    public record Settings(String name, double cpuSeconds, List<Integer> cpuPeriods, double searchSeconds,
            List<Integer> searchPeriods, double warmupSeconds) {
        String describe() {
            return String.format(Locale.ROOT, "%s: %.0f s of audio per CPU case at periods %s; %.0f s per period "
                    + "in the xrun search over %s; a %.0f s warm-up play on each system first", name, cpuSeconds,
                    cpuPeriods, searchSeconds, searchPeriods, warmupSeconds);
        }
    }

    public static final Settings FULL = new Settings("full", 60, List.of(256, 1024), 60,
            List.of(1024, 512, 256, 128, 64, 32), 5);
    public static final Settings QUICK = new Settings("quick (smoke: numbers not worth keeping)", 5, List.of(256), 5,
            List.of(256), 1);

    static final String PCMSHARE = "pcmshare";
    static final String PULSE = "PulseAudio";

    /** One aplay run and the server's CPU over it. */
    record CpuRun(String system, int requestedPeriod, AlsaProgram.Outcome client, long serverTicks,
            long serverThreadNanos, long protocolThreadNanos, double audioSeconds, String load) {
        double clientMsPerSecond() {
            return ProcStat.millis(client.cpuTicks()) / audioSeconds;
        }

        double serverMsPerSecond() {
            return ProcStat.millis(serverTicks) / audioSeconds;
        }

        double totalMsPerSecond() {
            return clientMsPerSecond() + serverMsPerSecond();
        }

        boolean ok() {
            return client.exit() == 0 && client.cpuTicks() >= 0;
        }
    }

    /** aplay and arecord through pcmshare at one period, and how the JVM serving both did. */
    record SearchRun(int requestedPeriod, AlsaProgram.Outcome play, AlsaProgram.Outcome record, long serverTicks,
            double audioSeconds, String load, String problem) {
        int xruns() {
            return Math.max(0, play.xruns()) + (record == null ? 0 : Math.max(0, record.xruns()));
        }

        boolean clean() {
            return problem == null && xruns() == 0 && play.exit() == 0 && record != null && record.exit() == 0;
        }
    }

    private final Settings settings;
    private final Consumer<String> log;

    AlsaBench(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /** Runs both parts; whatever cannot run is said in the result, never left out silently. */
    public static AlsaResult run(Settings settings, Consumer<String> log) {
        return new AlsaBench(settings, log).run();
    }

    AlsaResult run() {
        AlsaResult r = new AlsaResult(settings);
        long t0 = System.nanoTime();
        r.loadBefore = load();
        Path dir = null;
        try {
            String tools = missingTools();
            if (tools != null) {
                r.notes.add(tools);
                return r;
            }
            dir = Files.createTempDirectory("pcmshare-bench-wav-");
            double longest = Math.max(settings.cpuSeconds(), settings.searchSeconds());
            Path wav = dir.resolve("tone.wav");
            WavFile.write(wav, longest);
            Path warm = dir.resolve("warm-up.wav");
            WavFile.write(warm, settings.warmupSeconds());

            r.pulseInstall = PulseDaemon.installIfMissing(log);
            r.pulseMissing = PulseDaemon.missing();
            if (r.pulseMissing == null) {
                r.pulseVersions = PulseDaemon.versions();
                r.pulseHooks = PulseDaemon.pulseHooks();
            }
            try (PcmshareServer pcmshare = new PcmshareServer()) {
                cpuPart(r, pcmshare, wav, warm);
                searchPart(r, pcmshare, wav);
            }
        } catch (IOException | RuntimeException e) {
            r.notes.add("the ALSA benchmark stopped early: " + e);
            log.accept("ALSA benchmark failed: " + e);
        } finally {
            if (dir != null) {
                deleteAll(dir);
            }
            r.loadAfter = load();
            r.wallSeconds = (System.nanoTime() - t0) / 1e9;
            r.pulseHooksAfter = PulseDaemon.pulseHooks();
        }
        return r;
    }

    // ---------------------------------------------------------------- 1. CPU per second of audio

    private void cpuPart(AlsaResult r, PcmshareServer pcmshare, Path wav, Path warm) {
        PulseDaemon pulse = null;
        if (r.pulseMissing == null) {
            try {
                pulse = PulseDaemon.start();
            } catch (IOException e) {
                r.pulseFailure = e.getMessage();
                log.accept("PulseAudio did not start: " + e.getMessage());
            }
        }
        try {
            int first = settings.cpuPeriods().get(0);
            log.accept(String.format(Locale.ROOT, "ALSA: warm-up, %.0f s through pcmshare", settings.warmupSeconds()));
            r.warmups.add(cpuPcmshare(pcmshare, warm, first, settings.warmupSeconds()));
            if (pulse != null) {
                log.accept(String.format(Locale.ROOT, "ALSA: warm-up, %.0f s through PulseAudio", settings.warmupSeconds()));
                r.warmups.add(cpuPulse(pulse, warm, first, settings.warmupSeconds()));
            }
            for (int period : settings.cpuPeriods()) {
                log.accept(String.format(Locale.ROOT, "ALSA: CPU, aplay through pcmshare, period %d, %.0f s", period,
                        settings.cpuSeconds()));
                r.cpu.add(cpuPcmshare(pcmshare, wav, period, settings.cpuSeconds()));
                log.accept("  " + AlsaResult.describe(r.cpu.getLast()));
                if (pulse != null) {
                    log.accept(String.format(Locale.ROOT, "ALSA: CPU, aplay through PulseAudio, period %d, %.0f s",
                            period, settings.cpuSeconds()));
                    r.cpu.add(cpuPulse(pulse, wav, period, settings.cpuSeconds()));
                    log.accept("  " + AlsaResult.describe(r.cpu.getLast()));
                }
            }
            if (pulse != null && !pulse.alive()) {
                r.pulseFailure = "the daemon ended during the run: " + pulse.logTail();
            }
        } finally {
            if (pulse != null) {
                pulse.close();
            }
        }
    }

    private CpuRun cpuPcmshare(PcmshareServer server, Path wav, int period, double seconds) {
        ProcStat before = ProcStat.self();
        ThreadCpuSampler threads = new ThreadCpuSampler();
        AlsaProgram.Outcome aplay;
        ProcStat after;
        try {
            aplay = aplay(PcmshareServer.playback(), server.env(), wav, period, seconds);
        } finally {
            after = ProcStat.self();
            threads.close();
        }
        return new CpuRun(PCMSHARE, period, aplay, after.ticks() - before.ticks(),
                threads.nanos(PcmshareServer::serverThread), threads.nanos(PcmshareServer::protocolThread), seconds,
                load());
    }

    private CpuRun cpuPulse(PulseDaemon pulse, Path wav, int period, double seconds) {
        ProcStat before = pulse.stat();
        AlsaProgram.Outcome aplay = aplay(PulseDaemon.pcm(), pulse.env(), wav, period, seconds);
        ProcStat after = pulse.stat();
        return new CpuRun(PULSE, period, aplay, after.ticks() - before.ticks(), -1, -1, seconds, load());
    }

    private static AlsaProgram.Outcome aplay(String device, Map<String, String> env, Path wav, int period,
            double seconds) {
        return AlsaProgram.start(aplayCommand(device, wav, period), env).await(Math.round(seconds * 2 + 30));
    }

    static List<String> aplayCommand(String device, Path wav, int period) {
        return List.of("aplay", "-v", "-D", device, "--period-size=" + period, "--buffer-size=" + 4 * period,
                wav.toString());
    }

    // ---------------------------------------------------------------- 2. smallest period with no xrun

    private void searchPart(AlsaResult r, PcmshareServer server, Path wav) {
        for (int period : settings.searchPeriods()) {
            log.accept(String.format(Locale.ROOT, "ALSA: xrun search, period %d, %.0f s of aplay → arecord", period,
                    settings.searchSeconds()));
            SearchRun run = search(server, wav, period, settings.searchSeconds());
            r.search.add(run);
            log.accept("  " + AlsaResult.describe(run));
            if (!run.clean()) {
                break;
            }
        }
    }

    private SearchRun search(PcmshareServer server, Path wav, int period, double seconds) {
        ProcStat before = ProcStat.self();
        int recordSeconds = recordSeconds(seconds);
        AlsaProgram rec = AlsaProgram.start(List.of("arecord", "-v", "-D", PcmshareServer.capture(), "-f", "S16_LE",
                "-r", "48000", "-c", "2", "--period-size=" + period, "--buffer-size=" + 4 * period, "-t", "raw", "-d",
                Integer.toString(recordSeconds), "/dev/null"), server.env());
        if (!server.awaitRunning(Direction.CAPTURE)) {
            rec.kill();
            AlsaProgram.Outcome r = rec.await(10);
            return new SearchRun(period, r, r, 0, seconds, load(), "arecord's capture did not start: " + r.tail());
        }
        AlsaProgram.Outcome play = AlsaProgram.start(aplayCommand(PcmshareServer.playback(), wav, period),
                server.env()).await(Math.round(seconds * 2 + 30));
        AlsaProgram.Outcome record = rec.await(Math.round(seconds + 30));
        ProcStat after = ProcStat.self();
        return new SearchRun(period, play, record, after.ticks() - before.ticks(), seconds, load(), null);
    }

    // ---------------------------------------------------------------- helpers

    /** arecord's -d: it starts before aplay and stops after it. */
    static int recordSeconds(double audioSeconds) {
        return (int) Math.ceil(audioSeconds) + 2;
    }

    static String missingTools() {
        for (String t : List.of("aplay", "arecord", "sh")) {
            boolean found = false;
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, t))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return t + " is not installed: the ALSA part needs alsa-utils (e.g. `apt-get install alsa-utils`); "
                        + "nothing was measured";
            }
        }
        return null;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void deleteAll(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
