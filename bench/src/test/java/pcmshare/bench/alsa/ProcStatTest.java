package pcmshare.bench.alsa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void fieldsCountFromTheLastParenthesis_soACommandNameWithSpacesAndParenthesesParses() {
        String line = "4242 (we ird) (name) S 1 4242 4242 0 -1 4194560 100 0 0 0 17 5 23 9 20 0 1 0 100 1000 50 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat s = ProcStat.parse(line);
        assertThat(s.utime()).isEqualTo(17);
        assertThat(s.stime()).isEqualTo(5);
        assertThat(s.cutime()).isEqualTo(23);
        assertThat(s.cstime()).isEqualTo(9);
        assertThat(s.ticks()).isEqualTo(22);
        assertThat(s.childTicks()).isEqualTo(32);
    }

    @Test
    void thisProcessHasAStatLine() {
        assertThat(ProcStat.self().ticks()).isGreaterThanOrEqualTo(0);
        assertThat(ProcStat.ticksPerSecond()).isPositive();
    }
}
