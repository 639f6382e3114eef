package pcmshare.bench;

import java.util.List;

import org.openjdk.jmh.runner.RunnerException;

/**
 * Section 3 of the suite, the restricted handle's overhead, on its own with the
 * suite's settings: prints the section and its target, writes nothing. Usage:
 * {@code java … pcmshare.bench.DupSection [--quick] [--second ORIGINAL|DUP]} (the
 * class path and flags of {@code ./pcmshare bench}, or {@code ./pcmshare bench dup …});
 * about 40 s, or a few seconds quick. {@code --second ORIGINAL} is the control: the
 * original handle takes both turns, and the ratio must come out 1 (DUP: the core's
 * plain dup of it, without anondup's checks).
 */
public final class DupSection {
    private static final String USAGE = "usage: DupSection [--quick] [--second MONITOR|ORIGINAL|DUP]";

    private DupSection() {
    }

    public static void main(String[] args) throws RunnerException {
        Suite.Settings s = Suite.FULL;
        String second = "MONITOR";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> s = Suite.QUICK;
                case "--second" -> second = i + 1 < args.length ? args[++i] : "";
                default -> {
                    System.err.println(USAGE + "; unknown: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (!List.of("MONITOR", "ORIGINAL", "DUP").contains(second)) {
            System.err.println(USAGE + "; not a second: " + second);
            System.exit(2);
        }
        Suite.Report r = new Suite.Report(s);
        new Suite(s, m -> System.out.println("suite: " + m)).runDup(r, second);
        String md = r.dupMarkdown();
        System.out.println();
        System.out.println(md);
        System.exit(r.failedBenchmarks().isEmpty() ? 0 : 1);
    }
}
