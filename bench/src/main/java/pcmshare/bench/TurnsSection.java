package pcmshare.bench;

import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;

/**
 * The part of section 1 that {@link HandoffByTurnsBenchmark} measures: pcmshare's
 * mmap path (at least 1.0×) and loopback card (at least 0.5×) against Agrona's
 * ring by turns in one fork, each ratio with the 99.9% interval of its pairs. A
 * target passes when the whole interval is at or above it, misses when the whole
 * interval is below, and is inconclusive (a miss) otherwise.
 */
final class TurnsSection {
    private static final double CONFIDENCE = 0.999;

    private TurnsSection() {
    }

    static String render(List<RunResult> runs, List<Suite.Verdict> verdicts) {
        StringBuilder b = new StringBuilder("### pcmshare against Agrona by turns\n\n");
        b.append("`HandoffByTurnsBenchmark`: the same rings as above, Agrona's and pcmshare's, both set up for the ")
                .append("whole trial in one fork; each ").append(HandoffByTurnsBenchmark.MILLIS)
                .append(" ms iteration hands periods through one of them while the other's consumer parks, in ")
                .append("pairs of turns of both orders (").append(HandoffByTurnsBenchmark.ITERATIONS / 2)
                .append(" pairs). A pair's ratio compares two runs a fraction of a second apart on the same ")
                .append("cores; the separate runs above can land minutes apart in different states of a shared ")
                .append("machine. The targets are judged here.\n\n");
        b.append("| period | pcmshare | Agrona periods/s | pcmshare periods/s | pcmshare / Agrona | 99.9% interval ")
                .append("| pairs | B/op (Agrona / pcmshare) |\n|---|---|---:|---:|---:|---|---:|---:|\n");
        for (String size : List.of("512", "2048", "8192")) {
            for (String[] t : new String[][] { { "mmap", "mmap path (two threads)", "1.0", Suite.WHY_MMAP_AGRONA },
                    { "loopback", "loopback (two threads)", "0.5", Suite.WHY_HANDOFF_PEER } }) {
                double bound = Double.parseDouble(t[2]);
                String target = size + " B: " + t[1] + " ≥ " + t[2] + "× Agrona OneToOneRingBuffer (by turns)";
                RunResult run = find(runs, size, t[0]);
                Paired p = run == null ? null : Paired.of(run, CONFIDENCE);
                if (p == null || p.pairs() < 2) {
                    b.append("| ").append(size).append(" B | ").append(t[0]).append(" | no result | | | | | |\n");
                    verdicts.add(Suite.Verdict.missing(target, "byTurns " + t[0]));
                    continue;
                }
                Paired.Interval r = p.ratio();
                double[] bytes = Paired.bytesPerOp(run);
                b.append(String.format(Locale.ROOT, "| %s B | %s | %s | %s | %.2f× | %.2f× to %.2f× | %d | %s / %s |\n",
                        size, t[0], Suite.si(p.a().mean()), Suite.si(p.b().mean()), r.mean(), r.lo(), r.hi(),
                        p.pairs(), Suite.bytes(bytes[0]), Suite.bytes(bytes[1])));
                String measured = String.format(Locale.ROOT, "pcmshare / Agrona = %.2f×, 99.9%% interval %.2f× to "
                        + "%.2f× (%d pairs by turns)", r.mean(), r.lo(), r.hi(), p.pairs());
                if (r.lo() >= bound) {
                    verdicts.add(new Suite.Verdict(target, measured, true, "", t[3]));
                } else if (r.hi() < bound) {
                    verdicts.add(new Suite.Verdict(target, measured, false, String.format(Locale.ROOT,
                            "%.0f%% short (%.2f× of the %.2f× needed)", 100 * (1 - r.mean() / bound), r.mean(),
                            bound), t[3]));
                } else {
                    verdicts.add(new Suite.Verdict(target, measured, false, String.format(Locale.ROOT,
                            "inconclusive: the interval holds %.2f×, so this run cannot tell (counted as a miss)",
                            bound), t[3]));
                }
            }
        }
        return b.append('\n').toString();
    }

    private static RunResult find(List<RunResult> runs, String size, String pcmshare) {
        for (RunResult r : runs) {
            var params = r.getParams();
            if (size.equals(params.getParam("periodBytes")) && pcmshare.equals(params.getParam("pcmshare"))) {
                return r;
            }
        }
        return null;
    }
}
