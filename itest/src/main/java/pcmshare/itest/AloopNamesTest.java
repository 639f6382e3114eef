package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;

/**
 * Both drivers name their properties in one style (driver.dummy's: pcmSubstreams, timerSource, rateMin);
 * the loopback card's old snd-aloop names (pcm_substreams, ...) are still read, with a deprecation warning.
 */
class AloopNamesTest {
    private static final String ALOOP = "pcmshare.driver.aloop";

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    LogReaderService logReader;

    private final List<Configuration> made = new ArrayList<>();
    private final List<LogEntry> log = new CopyOnWriteArrayList<>();
    private final LogListener listener = log::add;

    @BeforeEach
    void listen() {
        logReader.addLogListener(listener);
    }

    @AfterEach
    void cleanUp() throws Exception {
        logReader.removeLogListener(listener);
        for (Configuration c : made) {
            c.delete();
        }
    }

    @Test
    void newNames_areReadWithoutAWarning() throws Exception {
        configure("new-names", "id", "NewNames", "pcmSubstreams", "2", "rateMax", "96000");
        assertThat(substreams("NewNames")).isEqualTo(2);
        assertThat(warningsAbout("NewNames")).isEmpty();
    }

    @Test
    void oldNames_areStillRead_withADeprecationWarningNamingTheNewOne() throws Exception {
        configure("old-names", "id", "OldNames", "pcm_substreams", "3");
        assertThat(substreams("OldNames")).isEqualTo(3);
        awaitWarning("OldNames", "pcm_substreams is deprecated: it is read as pcmSubstreams = 3; write "
                + "pcmSubstreams instead");
        assertThat(warningsAbout("OldNames")).noneMatch(m -> m.contains("unknown"));
    }

    @Test
    void bothNames_theNewOneWins_andTheOldOneIsSaidToBeIgnored() throws Exception {
        configure("both-names", "id", "BothNames", "pcm_substreams", "3", "pcmSubstreams", "1");
        assertThat(substreams("BothNames")).isEqualTo(1);
        awaitWarning("BothNames", "pcm_substreams is ignored: it is the old name of pcmSubstreams, which is set too");
    }

    private void configure(String name, String... keyValues) throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(ALOOP, name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        made.add(c);
        c.update(props);
    }

    private int substreams(String card) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (core.card(card).isEmpty()) {
            assertThat(System.nanoTime()).as("card %s appears", card).isLessThan(deadline);
            Thread.onSpinWait();
        }
        return core.card(card).orElseThrow().devices().get(0).substreams(Direction.PLAYBACK);
    }

    private void awaitWarning(String card, String text) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (warningsAbout(card).stream().noneMatch(m -> m.contains(text))) {
            assertThat(System.nanoTime()).as("a warning: %s; have %s", text, warningsAbout(card))
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(log).filteredOn(e -> e.getMessage().contains(text))
                .allSatisfy(e -> assertThat(e.getBundle().getSymbolicName()).isEqualTo("driver.aloop"));
    }

    private List<String> warningsAbout(String card) {
        return log.stream().filter(e -> e.getLogLevel() == LogLevel.WARN && e.getMessage().contains(card))
                .map(LogEntry::getMessage).toList();
    }
}
