package pcmshare.bench.alsa;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import pcmshare.bench.alsa.AlsaBench.CpuRun;
import pcmshare.bench.alsa.AlsaBench.SearchRun;

/** What the ALSA benchmark measured, and its report section in Markdown. */
public final class AlsaResult {

    /** The heading the section starts with (the suite's section 7; {@code --into} replaces it in place). */
    public static final String HEADING = "## 7. ALSA programs: aplay through pcmshare beside PulseAudio";

    final AlsaBench.Settings settings;
    final ZonedDateTime started = ZonedDateTime.now();
    String loadBefore;
    String loadAfter;
    double wallSeconds;
    final List<String> notes = new ArrayList<>();
    String pulseInstall;
    String pulseMissing;
    String pulseVersions;
    String pulseFailure;
    List<Path> pulseHooks = List.of();
    List<Path> pulseHooksAfter = List.of();
    final List<CpuRun> warmups = new ArrayList<>();
    final List<CpuRun> cpu = new ArrayList<>();
    final List<SearchRun> search = new ArrayList<>();

    AlsaResult(AlsaBench.Settings settings) {
        this.settings = settings;
    }

    /** True when something that should have been measured was not (the report says what). */
    public boolean incomplete() {
        return !notes.isEmpty() || cpu.isEmpty() || search.isEmpty() || pulseMissing != null || pulseFailure != null
                || cpu.stream().anyMatch(c -> !c.ok());
    }

    /** The smallest period that ran clean, when one did. */
    public Optional<Integer> smallestClean() {
        Integer best = null;
        for (SearchRun s : search) {
            if (!s.clean()) {
                break;
            }
            best = s.requestedPeriod();
        }
        return Optional.ofNullable(best);
    }

    static String describe(CpuRun c) {
        return String.format(Locale.ROOT, "%s, period %d: aplay %.2f + server %.2f = %.2f ms CPU per s of audio; "
                + "%d xruns; exit %d%s", c.system(), c.requestedPeriod(), c.clientMsPerSecond(), c.serverMsPerSecond(),
                c.totalMsPerSecond(), c.client().xruns(), c.client().exit(),
                c.client().exit() == 0 ? "" : " (" + c.client().tail() + ")");
    }

    static String describe(SearchRun s) {
        if (s.problem() != null) {
            return "period " + s.requestedPeriod() + ": " + s.problem();
        }
        return String.format(Locale.ROOT, "period %d: aplay %d underruns (exit %d), arecord %d overruns (exit %d)%s",
                s.requestedPeriod(), s.play().xruns(), s.play().exit(), s.record().xruns(), s.record().exit(),
                s.clean() ? "" : " (" + (s.play().exit() != 0 ? s.play().tail() : s.record().tail()) + ")");
    }

    // ---------------------------------------------------------------- Markdown

    /** The section, headed by when and how it was made ({@code command}: what the user typed). */
    public String markdown(String command) {
        StringBuilder b = new StringBuilder(HEADING).append("\n\n");
        b.append("Written by `").append(command).append("` (`pcmshare.bench.alsa.AlsaBench`, settings ")
                .append(settings.describe()).append(") on ")
                .append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(String.format(Locale.ROOT, ", in %d min %02d s", (long) wallSeconds / 60, (long) wallSeconds % 60))
                .append(". Load average (1, 5, 15 min) before: ").append(loadBefore).append("; after: ")
                .append(loadAfter).append(command.startsWith(AlsaBenchMain.COMMAND)
                        ? ". This section ran on its own, not in the run of the sections above" : "")
                .append(". Stock programs nobody here wrote (alsa-utils' aplay and arecord, ")
                .append(AlsaBenchMain.versionOf("libasound2")).append("), on the real clock: every case plays its ")
                .append("audio in real time, so a case of 60 s takes 60 s.\n\n");
        for (String n : notes) {
            b.append("**Not measured**: ").append(n).append(".\n\n");
        }
        b.append(cpuSection());
        b.append(searchSection());
        return b.toString();
    }

    private String cpuSection() {
        StringBuilder b = new StringBuilder("### CPU per second of audio, server plus client\n\n");
        b.append(String.format(Locale.ROOT, "`aplay -v -D DEVICE --period-size=N --buffer-size=4N` plays %.0f s of a "
                + "48 kHz stereo S16_LE tone, through pcmshare (`pcmshare:Loopback,0,0`: alsa-lib's shm plugin, "
                + "the audio written straight into the card's ring; driver.aloop's loopback card with nobody "
                + "capturing, on the real clock) and through PulseAudio (alsa-lib's pulse plugin to "
                + "`module-null-sink` at 48 kHz s16le stereo, native protocol on a Unix socket, daemon.conf "
                + "defaults), one system after the other at each period. CPU is utime + stime from "
                + "`/proc/PID/stat` in clock ticks (CLK_TCK %d, so %.0f ms resolution): **client** is aplay (the "
                + "cutime + cstime of the shell that waited for it), **server process** is, for PulseAudio, the "
                + "`pulseaudio` daemon and, for pcmshare, **the whole JVM that runs the server in-process** (the "
                + "benchmark's JVM: core, loopback card and ALSA server, and also the GC, the JIT compilers and "
                + "the benchmark's own threads). The pcmshare threads column is the server's own threads alone: "
                + "ThreadMXBean CPU time of the threads named `pcmshare*` (the ALSA protocol's `pcmshare-alsa-*`, "
                + "in brackets, and the core's clock and listener threads), sampled every %d ms; the rest of the "
                + "JVM is the difference. ms/s is milliseconds of CPU per second of audio (10 ms/s = 1%% of a "
                + "core). A warm-up play of %.0f s on each system comes first and is not counted.\n\n",
                settings.cpuSeconds(), ProcStat.ticksPerSecond(), 1000.0 / ProcStat.ticksPerSecond(),
                ThreadCpuSampler.INTERVAL_NANOS / 1_000_000, settings.warmupSeconds()));
        b.append(pulseStatus());
        if (cpu.isEmpty()) {
            b.append("No case ran.\n\n");
            return b.toString();
        }
        b.append("| system | period (frames) | buffer (frames) | client: aplay ms/s | server process ms/s | "
                + "**total ms/s** | × PulseAudio | pcmshare threads ms/s (ALSA protocol) | rest of the JVM ms/s | "
                + "xruns | aplay exit | wall s | load after |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (CpuRun c : cpu) {
            String vsPulse = "";
            if (c.system().equals(AlsaBench.PCMSHARE)) {
                CpuRun p = cpu.stream().filter(x -> x.system().equals(AlsaBench.PULSE)
                        && x.requestedPeriod() == c.requestedPeriod() && x.ok()).findFirst().orElse(null);
                if (p != null && c.ok() && p.totalMsPerSecond() > 0) {
                    vsPulse = String.format(Locale.ROOT, "%.2f×", c.totalMsPerSecond() / p.totalMsPerSecond());
                }
            }
            String threads = "";
            String rest = "";
            if (c.serverThreadNanos() >= 0) {
                double t = c.serverThreadNanos() / 1e6 / c.audioSeconds();
                threads = String.format(Locale.ROOT, "%.2f (%.2f)", t, c.protocolThreadNanos() / 1e6 / c.audioSeconds());
                rest = String.format(Locale.ROOT, "%.2f", c.serverMsPerSecond() - t);
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %d | %d%s | %.1f | %s |\n",
                    c.system(), got(c.requestedPeriod(), c.client().periodFrames()),
                    got(4 * c.requestedPeriod(), c.client().bufferFrames()),
                    c.client().cpuTicks() < 0 ? "?" : ms(c.clientMsPerSecond()), ms(c.serverMsPerSecond()),
                    c.client().cpuTicks() < 0 ? "?" : ms(c.totalMsPerSecond()), vsPulse, threads, rest,
                    c.client().xruns(), c.client().exit(), c.client().exit() == 0 ? "" : " (" + c.client().tail() + ")",
                    c.client().wallSeconds(), c.load()));
        }
        b.append('\n');
        if (!warmups.isEmpty()) {
            b.append("Warm-up plays (not counted): ");
            List<String> w = new ArrayList<>();
            for (CpuRun c : warmups) {
                w.add(String.format(Locale.ROOT, "%s %.2f ms/s total, %d xruns, exit %d", c.system(),
                        c.totalMsPerSecond(), c.client().xruns(), c.client().exit()));
            }
            b.append(String.join("; ", w)).append(".\n\n");
        }
        return b.toString();
    }

    private String pulseStatus() {
        StringBuilder b = new StringBuilder("PulseAudio: ");
        if (pulseMissing != null) {
            b.append("**not measured**, ").append(pulseMissing);
            if (pulseInstall != null) {
                b.append("; ").append(pulseInstall);
            }
            return b.append(".\n\n").toString();
        }
        b.append(pulseVersions).append(" (Debian's packages");
        b.append(pulseInstall == null ? ", already installed" : "; " + pulseInstall
                + ", leaving out their ALSA configuration hooks and rate-converter plugins so that no other ALSA "
                + "program is routed through PulseAudio or converts differently");
        b.append("). aplay reaches the daemon only through a PCM of the benchmark's own configuration "
                + "(`type pulse`, `server \"unix:…\"`), never through a hook; ");
        b.append(pulseHooksAfter.isEmpty() ? "no PulseAudio hook is in /etc/alsa/conf.d or "
                + "/usr/share/alsa/alsa.conf.d after the run" : "**PulseAudio hooks present on this system** "
                + "(not the benchmark's doing, it installs none): " + pulseHooksAfter);
        b.append(". The daemon runs as root with `--system=false`, its runtime folder and socket in a temporary "
                + "folder.");
        if (pulseFailure != null) {
            b.append(" **The daemon failed**: ").append(pulseFailure).append('.');
        }
        return b.append("\n\n").toString();
    }

    private String searchSection() {
        StringBuilder b = new StringBuilder("### Smallest period with no xrun: aplay → pcmshare → arecord\n\n");
        b.append(String.format(Locale.ROOT, "arecord records `pcmshare:Loopback,1,0` (to /dev/null) while aplay plays "
                + "%.0f s to `pcmshare:Loopback,0,0`, both with `--period-size=N --buffer-size=4N` and without `-q`, "
                + "so each prints `underrun!!!` / `overrun!!!` on every xrun; periods from %s in order, stopping at "
                + "the first that xruns or fails. The real-time duration is the point: one run takes %.0f s, and a "
                + "single descheduling of aplay, arecord or a server thread longer than the buffer's slack "
                + "(about 3 periods) is an xrun. The JVM column is the whole JVM's CPU (server and all) per second "
                + "of audio, for both programs' streams; arecord runs about 2 s longer than aplay (it starts first and "
                + "records %d s), and its CPU is divided by the same seconds of audio.\n\n", settings.searchSeconds(), settings.searchPeriods(),
                settings.searchSeconds(), AlsaBench.recordSeconds(settings.searchSeconds())));
        if (search.isEmpty()) {
            b.append("No period ran.\n\n");
            return b.toString();
        }
        b.append("| period (frames) | period ms | buffer ms | aplay underruns | arecord overruns | exits (aplay, arecord) "
                + "| aplay ms/s | arecord ms/s | JVM ms/s | load after |\n|---:|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
        for (SearchRun s : search) {
            if (s.problem() != null) {
                b.append(String.format(Locale.ROOT, "| %d | | | | | %s | | | | %s |\n", s.requestedPeriod(),
                        s.problem(), s.load()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %d | %d | %d, %d%s | %s | %s | %s | %s |\n",
                    got(s.requestedPeriod(), s.play().periodFrames()), s.requestedPeriod() / 48.0,
                    4 * s.requestedPeriod() / 48.0, s.play().xruns(), s.record().xruns(), s.play().exit(),
                    s.record().exit(), s.play().exit() == 0 && s.record().exit() == 0 ? ""
                            : " (" + (s.play().exit() != 0 ? s.play().tail() : s.record().tail()) + ")",
                    cpu(s.play(), s.audioSeconds()), cpu(s.record(), s.audioSeconds()),
                    ms(ProcStat.millis(s.serverTicks()) / s.audioSeconds()), s.load()));
        }
        b.append('\n');
        boolean spin = false;
        for (SearchRun s : search) {
            if (s.problem() == null && s.record().cpuTicks() > 5 * Math.max(1, s.play().cpuTicks())) {
                spin = true;
                b.append(String.format(Locale.ROOT, "arecord used %.0f× aplay's CPU at %d frames: a capture client "
                        + "that does not sleep between periods (when this benchmark was written, strace showed "
                        + "arecord sending shm commands in a loop, one byte each way on the socket, with no poll), so "
                        + "the JVM column is mostly the server thread answering it. That is server.alsa's capture "
                        + "path, not the benchmark.\n\n", (double) s.record().cpuTicks() / Math.max(1,
                                s.play().cpuTicks()), s.requestedPeriod()));
                break;
            }
        }
        Optional<Integer> best = smallestClean();
        List<Integer> tried = settings.searchPeriods();
        if (best.isEmpty()) {
            b.append("**No period tried ran clean** (the first, ").append(tried.get(0))
                    .append(" frames, xran or failed).\n\n");
        } else {
            int p = best.get();
            b.append(String.format(Locale.ROOT, "**Smallest period with 0 xruns over %.0f s: %d frames** (%.2f ms; "
                    + "buffer %d frames, %.2f ms)%s.\n\n", settings.searchSeconds(), p, p / 48.0, 4 * p, 4 * p / 48.0,
                    p == tried.get(tried.size() - 1) ? ", the smallest tried" : ""));
        }
        if (spin) {
            b.append("The smallest period is therefore measured with about a core of the machine's two taken by "
                    + "arecord and the server thread answering it; without that loop the same programs would have "
                    + "more CPU left to be scheduled in time.\n\n");
        }
        b.append("What bounds it is scheduling: at N frames each of the three processes' "
                + "threads (aplay, arecord, and the server's client and clock threads) must run within about three "
                + "periods of its wake-up, 48000/N times a second, on a machine whose two cores are shared with "
                + "other builds (the load average is in the table); no thread here runs at a real-time priority. "
                + "A kernel driver's limit is the same scheduling bound for the two programs plus an interrupt "
                + "per period; " + (kernelSound() ? "the kernel's own cards are not run beside it here"
                        : "this machine has no kernel sound cards (no /proc/asound/cards, so no snd-aloop) to run "
                                + "beside it")
                + ", and PulseAudio's floor is not searched (its xruns at the CPU table's periods are in that "
                + "table).\n\n");
        return b.toString();
    }

    private static boolean kernelSound() {
        return java.nio.file.Files.exists(Path.of("/proc/asound/cards"));
    }

    private static String got(int requested, int got) {
        return got < 0 || got == requested ? Integer.toString(requested) : requested + " (got " + got + ")";
    }

    /** A program's CPU per second of audio, "?" when its shell could not say. */
    private static String cpu(AlsaProgram.Outcome o, double audioSeconds) {
        return o.cpuTicks() < 0 ? "?" : ms(ProcStat.millis(o.cpuTicks()) / audioSeconds);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
