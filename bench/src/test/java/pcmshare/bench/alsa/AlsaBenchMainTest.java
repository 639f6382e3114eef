package pcmshare.bench.alsa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlsaBenchMainTest {
    private static final String NEW = AlsaResult.HEADING + "\n\nnew numbers\n\n";

    @Test
    void theAlsaSectionIsReplacedInPlace_theOthersStayAsTheyAre() {
        String report = "# r\n\n## 6. Six\n\nsix\n\n" + AlsaResult.HEADING + "\n\nold numbers\n\n## 8. Eight\n\neight\n";
        assertThat(AlsaBenchMain.replaceSection(report, NEW))
                .isEqualTo("# r\n\n## 6. Six\n\nsix\n\n" + NEW + "## 8. Eight\n\neight\n");
    }

    @Test
    void aLastSectionIsReplacedToTheEnd() {
        String report = "# r\n\n## 6. Six\n\nsix\n\n" + AlsaResult.HEADING + "\n\nold\n\n### sub\n\nold too\n";
        assertThat(AlsaBenchMain.replaceSection(report, NEW)).isEqualTo("# r\n\n## 6. Six\n\nsix\n\n" + NEW);
    }

    @Test
    void aReportWithoutTheSectionGetsItAppended() {
        assertThat(AlsaBenchMain.replaceSection("# r\n\n## 6. Six\n\nsix\n", NEW))
                .isEqualTo("# r\n\n## 6. Six\n\nsix\n\n" + NEW);
    }
}
