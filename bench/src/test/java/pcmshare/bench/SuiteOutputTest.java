package pcmshare.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class SuiteOutputTest {
    @Test
    void quickRun_writesBesideResultsMd_neverOverIt() {
        assertThat(Suite.outputFor(Suite.QUICK, Path.of("bench", "RESULTS.md")))
                .isEqualTo(Path.of("bench", "RESULTS-quick.md"));
        assertThat(Suite.outputFor(Suite.QUICK, Path.of("/tmp/mine.md"))).isEqualTo(Path.of("/tmp/mine.md"));
        assertThat(Suite.outputFor(Suite.FULL, Path.of("bench", "RESULTS.md"))).isEqualTo(Path.of("bench",
                "RESULTS.md"));
    }
}
