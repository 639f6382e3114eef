package pcmshare.bench.alsa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The ALSA part alone: {@code ./pcmshare bench alsa} replaces section 7 of
 * bench/RESULTS.md in place ({@code --into}), keeping the other sections as they
 * are; {@code ./pcmshare bench alsa --quick} writes a short run to
 * bench/RESULTS-alsa-quick.md.
 *
 * <p>Options: {@code --quick}, {@code --custom SECONDS P1,P2,...} (own duration and periods, for
 * looking closer), {@code --out FILE} (the section alone),
 * {@code --into FILE} (replace or append the section in a full report).
 */
public final class AlsaBenchMain {
    static final String COMMAND = "./pcmshare bench alsa";

    private AlsaBenchMain() {
    }

    public static void main(String[] args) throws IOException {
        AlsaBench.Settings s = AlsaBench.FULL;
        Path out = null;
        Path into = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> s = AlsaBench.QUICK;
                case "--out" -> out = Path.of(args[++i]);
                case "--into" -> into = Path.of(args[++i]);
                case "--custom" -> {
                    // --custom SECONDS PERIODS: e.g. --custom 20 512,128 (CPU and search at those periods)
                    double sec = Double.parseDouble(args[++i]);
                    List<Integer> periods = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                    s = new AlsaBench.Settings("custom (not the suite's settings)", sec, periods, sec, periods,
                            Math.min(5, sec));
                }
                default -> {
                    System.err.println("usage: AlsaBenchMain [--quick | --custom SECONDS P1,P2,..] [--out FILE | --into FILE]; unknown: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (s != AlsaBench.FULL && into != null) {
            // a quick run's numbers are not worth keeping: never over the full report's
            out = into.resolveSibling(s == AlsaBench.QUICK ? "RESULTS-alsa-quick.md" : "RESULTS-alsa-custom.md");
            into = null;
        }
        AlsaResult r = AlsaBench.run(s, m -> System.out.println("bench: " + m));
        String md = r.markdown(COMMAND + (s == AlsaBench.FULL ? "" : " " + String.join(" ", options(args))));
        System.out.println();
        System.out.println(md);
        if (into != null) {
            String report = Files.exists(into) ? Files.readString(into, StandardCharsets.UTF_8) : "";
            Files.writeString(into, replaceSection(report, md), StandardCharsets.UTF_8);
            System.out.println("bench: replaced the ALSA section of " + into.toAbsolutePath());
        } else if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
            System.out.println("bench: wrote " + out.toAbsolutePath());
        }
        System.exit(r.incomplete() ? 1 : 0);
    }

    /** The options a user typed (without the script's own --into/--out). */
    private static List<String> options(String[] args) {
        List<String> o = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--into") || args[i].equals("--out")) {
                i++;
            } else {
                o.add(args[i]);
            }
        }
        return o;
    }

    /** {@code report} with its ALSA section (from its heading to the next "## " heading) replaced, or appended. */
    static String replaceSection(String report, String section) {
        int start = report.indexOf(AlsaResult.HEADING);
        if (start < 0) {
            return report.isEmpty() ? section : report.stripTrailing() + "\n\n" + section;
        }
        int end = report.indexOf("\n## ", start + AlsaResult.HEADING.length());
        return report.substring(0, start) + section + (end < 0 ? "" : report.substring(end + 1));
    }

    /** A Debian package's name and version, e.g. "libasound2 1.2.8-1+b1", or the name alone. */
    static String versionOf(String pkg) {
        String v = PulseDaemon.run(List.of("dpkg-query", "-W", "-f=${Version}", pkg), 10).strip();
        return v.isEmpty() || v.contains(" ") ? pkg : pkg + " " + v;
    }
}
