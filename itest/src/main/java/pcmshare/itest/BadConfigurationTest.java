package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A card configuration a driver cannot use is refused out loud: the property, the
 * value and why reach the log (under the driver's bundle) and {@code pcm:cards};
 * unknown keys are reported; listing the cards does not make SCR fail again.
 */
class BadConfigurationTest {
    private static final String DUMMY = "pcmshare.driver.dummy";
    private static final String ALOOP = "pcmshare.driver.aloop";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    ServiceComponentRuntime scr;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @InjectService(timeout = 5000)
    LogReaderService logReader;

    @InjectService(timeout = 5000)
    LoggerFactory loggers;

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
    void badValueIsRefusedNamingPropertyValueAndWhy() throws Exception {
        configure(DUMMY, "bad-skew", "id", "BadSkew", "skewPpm", "1e9");
        configure(DUMMY, "bad-rate", "id", "BadRate", "rateMin", "abc");
        configure(DUMMY, "bad-subs", "id", "BadSubs", "playbackSubstreams", "-3");
        configure(ALOOP, "bad-aloop", "id", "BadLoop", "pcm_substreams", "99");
        String skew = "BadSkew: not created: skewPpm = 1e9: not a whole number";
        String rate = "BadRate: not created: rateMin = abc: not a whole number";
        String subs = "BadSubs: not created: playbackSubstreams = -3: must be in [0, 4096]";
        String loop = "BadLoop: not created: pcm_substreams = 99: must be in [1, 8]";
        awaitFailure(DUMMY, skew);
        awaitFailure(DUMMY, rate);
        awaitFailure(DUMMY, subs);
        awaitFailure(ALOOP, loop);
        String cards = ContainerTest.run(gogo, "pcm:cards");
        assertThat(cards).contains(skew, rate, subs, loop);
        assertThat(errorsFrom("driver.dummy")).as("the refusals in the log, under the driver's bundle")
                .anySatisfy(m -> assertThat(m).contains(skew))
                .anySatisfy(m -> assertThat(m).contains(rate));
        assertThat(errorsFrom("driver.aloop")).anySatisfy(m -> assertThat(m).contains(loop));
    }

    @Test
    void listingCardsLogsNoErrorAboutARefusedConfiguration() throws Exception {
        configure(DUMMY, "bad-again", "id", "BadAgain", "skewPpm", "1e9");
        awaitFailure(DUMMY, "BadAgain: not created: skewPpm = 1e9");
        drainLog("before");
        log.clear();
        ContainerTest.run(gogo, "pcm:cards");
        ContainerTest.run(gogo, "pcm:cards");
        drainLog("after");
        // the framework names the bundle that asked for the failing service: the shell asked it before
        assertThat(log).filteredOn(e -> e.getLogLevel() == LogLevel.ERROR)
                .filteredOn(e -> e.getBundle() != null && "shell".equals(e.getBundle().getSymbolicName()))
                .as("ERROR entries the shell caused while listing cards").isEmpty();
    }

    @Test
    void unknownKeyIsReported() throws Exception {
        configure(DUMMY, "typo", "id", "Typo", "skewPmp", "250");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(e -> e.getLogLevel() == LogLevel.WARN && e.getMessage().contains("skewPmp"))) {
            assertThat(System.nanoTime()).as("a warning naming skewPmp").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(log).filteredOn(e -> e.getMessage().contains("skewPmp"))
                .allSatisfy(e -> assertThat(e.getBundle().getSymbolicName()).isEqualTo("driver.dummy"))
                .allSatisfy(e -> assertThat(e.getMessage()).contains("Typo", "skewPpm"));
    }

    private void configure(String factoryPid, String name, String... keyValues) throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(factoryPid, name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        made.add(c);
        c.update(props);
    }

    /** Waits for the factory component of {@code pid} to fail a configuration with {@code message}. */
    private void awaitFailure(String pid, String message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!failed(pid, message)) {
            assertThat(System.nanoTime()).as("a failed activation saying '%s'", message).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private boolean failed(String pid, String message) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!List.of(d.configurationPid).contains(pid)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.failure != null
                        && c.failure.contains(message)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<String> errorsFrom(String bsn) {
        drainLog("errors from " + bsn);
        List<String> out = new ArrayList<>();
        for (LogEntry e : log) {
            if (e.getLogLevel() == LogLevel.ERROR && e.getBundle() != null
                    && bsn.equals(e.getBundle().getSymbolicName())) {
                out.add(e.getMessage() + " " + e.getException());
            }
        }
        return out;
    }

    /** Logs a marker and waits for it: entries are delivered in order, so all earlier ones are in. */
    private void drainLog(String what) {
        String marker = "BadConfigurationTest marker " + what + " " + System.nanoTime();
        Logger logger = loggers.getLogger(getClass());
        logger.warn(marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(e -> marker.equals(e.getMessage()))) {
            assertThat(System.nanoTime()).as("log delivered").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
