package pcmshare.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The statistics of the restricted handle's paired measurement, on made-up scores. */
class PairedTest {
    @Test
    void turns_comeInPairsOfAlternatingOrder_eachOrderAsOftenInFours() {
        boolean[] b = new boolean[8];
        for (int i = 0; i < b.length; i++) {
            b[i] = Paired.bAt(i);
        }
        // a b | b a | a b | b a
        assertThat(b).containsExactly(false, true, true, false, false, true, true, false);
    }

    @Test
    void ratios_arePerPair_bOverA_whateverTheOrder() {
        // pairs: (a 100, b 110), (b 220, a 200), (a 50, b 55), (b 330, a 300): every ratio 1.10
        Paired p = Paired.of(new double[] { 100, 110, 220, 200, 50, 55, 330, 300 }, 0.999);
        assertThat(p.pairs()).isEqualTo(4);
        assertThat(p.ratio().mean()).isCloseTo(1.10, within(1e-12));
        assertThat(p.ratio().lo()).isCloseTo(1.10, within(1e-12));
        assertThat(p.ratio().hi()).isCloseTo(1.10, within(1e-12));
        assertThat(p.a().mean()).isCloseTo((100 + 200 + 50 + 300) / 4.0, within(1e-12));
        assertThat(p.b().mean()).isCloseTo((110 + 220 + 55 + 330) / 4.0, within(1e-12));
    }

    @Test
    void aSteadyDrift_cancelsInTheMeanRatio() {
        // a costs 100 and b 103, and the machine slows by 1% per iteration: in a fixed order b would
        // always run 1% later and look 4% dearer; in alternating order the gains and losses cancel
        double[] scores = new double[40];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (Paired.bAt(i) ? 103 : 100) * (1 + 0.01 * i);
        }
        Paired p = Paired.of(scores, 0.999);
        assertThat(p.ratio().mean()).isCloseTo(1.03, within(0.0005));
        assertThat(p.ratio().lo()).isLessThan(p.ratio().mean());
        assertThat(p.ratio().hi()).isGreaterThan(p.ratio().mean());
    }

    @Test
    void interval_isStudentT() {
        // mean 2, sd 1, n 4: t(0.9995, 3) = 12.924, half width 12.924 / 2
        Paired.Interval i = Paired.Interval.of(new double[] { 1, 2, 2, 3 }, 0.999);
        double sd = Math.sqrt(2.0 / 3);
        assertThat(i.mean()).isEqualTo(2.0);
        assertThat(i.sd()).isCloseTo(sd, within(1e-12));
        assertThat(i.hi() - i.mean()).isCloseTo(12.924 * sd / 2, within(1e-3));
        assertThat(i.allAtMost(20)).isTrue();
        assertThat(i.allAbove(-20)).isTrue();
        assertThat(i.allAtMost(2.5)).isFalse();
        assertThat(i.allAbove(1.5)).isFalse();
    }

    @Test
    void anOddLastIteration_hasNoPartner_andIsLeftOut() {
        Paired p = Paired.of(new double[] { 10, 11, 22, 20, 999 }, 0.999);
        assertThat(p.pairs()).isEqualTo(2);
        assertThat(p.ratio().mean()).isCloseTo(1.10, within(1e-12));
    }
}
