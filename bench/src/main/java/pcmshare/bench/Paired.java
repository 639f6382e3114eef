package pcmshare.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.math3.distribution.TDistribution;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/**
 * Two contenders, a and b, measured in one fork by turns, and the ratio b / a with
 * a confidence interval from the pairs of turns.
 *
 * <p>The measurement iterations are taken in pairs, and the order within a pair
 * alternates (a b, b a, a b, …): a slow drift of the machine over the run adds to
 * the ratio in one pair and takes it away in the next, so it cancels in the mean
 * instead of favouring whichever contender runs later. Each pair gives one ratio
 * b / a; the report is their mean with a two-sided Student t interval over the
 * pairs. With an odd count the last iteration has no partner and is left out.
 */
record Paired(Interval a, Interval b, Interval ratio) {

    /**
     * A mean, the standard deviation of one sample, and the mean's two-sided confidence
     * interval (Student t, n − 1 degrees of freedom; unbounded for one sample).
     */
    record Interval(double mean, double sd, double lo, double hi, int n) {
        static Interval of(double[] xs, double confidence) {
            int n = xs.length;
            if (n == 0) {
                return new Interval(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double mean = Arrays.stream(xs).sum() / n;
            if (n == 1) {
                return new Interval(mean, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1);
            }
            double ss = 0;
            for (double x : xs) {
                ss += (x - mean) * (x - mean);
            }
            double sd = Math.sqrt(ss / (n - 1));
            double t = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + confidence / 2);
            double half = t * sd / Math.sqrt(n);
            return new Interval(mean, sd, mean - half, mean + half, n);
        }

        /** Half the width of the interval. */
        double error() {
            return (hi - lo) / 2;
        }

        /** Whether the whole interval is at most {@code bound}. */
        boolean allAtMost(double bound) {
            return hi <= bound;
        }

        /** Whether the whole interval is above {@code bound}. */
        boolean allAbove(double bound) {
            return lo > bound;
        }
    }

    /** Whether measurement iteration {@code i} (from 0) runs contender b: a b, b a, a b, b a, … */
    static boolean bAt(int i) {
        boolean secondOfPair = (i & 1) == 1;
        boolean pairStartsWithB = ((i >> 1) & 1) == 1;
        return secondOfPair != pairStartsWithB;
    }

    /** The scores of the measurement iterations, in the order they ran, split into pairs and summed up. */
    static Paired of(double[] scores, double confidence) {
        int pairs = scores.length / 2;
        double[] a = new double[pairs];
        double[] b = new double[pairs];
        double[] ratio = new double[pairs];
        for (int k = 0; k < pairs; k++) {
            int first = 2 * k;
            int second = first + 1;
            a[k] = bAt(first) ? scores[second] : scores[first];
            b[k] = bAt(first) ? scores[first] : scores[second];
            ratio[k] = b[k] / a[k];
        }
        return new Paired(Interval.of(a, confidence), Interval.of(b, confidence), Interval.of(ratio, confidence));
    }

    int pairs() {
        return ratio.n();
    }

    /** The pairs of a JMH run's first fork (the suite runs one), from its measurement iterations. */
    static Paired of(RunResult run, double confidence) {
        List<IterationResult> its = iterations(run);
        return of(its.stream().mapToDouble(i -> i.getPrimaryResult().getScore()).toArray(), confidence);
    }

    /**
     * Bytes allocated per operation (GC profiler) in a's iterations and in b's, of the pairs
     * {@link #of(RunResult, double)} takes; NaN when not measured.
     */
    static double[] bytesPerOp(RunResult run) {
        List<IterationResult> its = iterations(run);
        double[] sum = new double[2];
        int[] n = new int[2];
        for (int i = 0; i < its.size() / 2 * 2; i++) {
            for (var e : its.get(i).getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    int who = bAt(i) ? 1 : 0;
                    sum[who] += e.getValue().getScore();
                    n[who]++;
                }
            }
        }
        return new double[] { n[0] == 0 ? Double.NaN : sum[0] / n[0], n[1] == 0 ? Double.NaN : sum[1] / n[1] };
    }

    private static List<IterationResult> iterations(RunResult run) {
        BenchmarkResult first = run.getBenchmarkResults().iterator().next();
        return new ArrayList<>(first.getIterationResults());
    }
}
