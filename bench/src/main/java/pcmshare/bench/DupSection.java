package pcmshare.bench;

import org.openjdk.jmh.runner.RunnerException;

/**
 * Section 3 of the suite, the restricted handle's overhead, on its own with the
 * suite's settings: prints the section and its target, writes nothing. Usage:
 * {@code java … pcmshare.bench.DupSection [--quick]} (the class path and flags of
 * {@code ./pcmshare bench}); about half a minute, or a few seconds quick.
 */
public final class DupSection {
    private DupSection() {
    }

    public static void main(String[] args) throws RunnerException {
        Suite.Settings s = Suite.FULL;
        for (String a : args) {
            if (a.equals("--quick")) {
                s = Suite.QUICK;
            } else {
                System.err.println("usage: DupSection [--quick]; unknown: " + a);
                System.exit(2);
            }
        }
        Suite.Report r = new Suite.Report(s);
        new Suite(s, m -> System.out.println("suite: " + m)).runDup(r);
        String md = r.dupMarkdown();
        System.out.println();
        System.out.println(md);
        System.exit(r.failedBenchmarks().isEmpty() ? 0 : 1);
    }
}
