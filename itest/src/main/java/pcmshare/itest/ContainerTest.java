package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The container itself: every pcmshare bundle runs, its components are live,
 * and a bundle can be stopped and started again while the framework stays up.
 */
class ContainerTest {
    private static final List<String> BUNDLES = List.of("core.api", "driver.dummy", "driver.aloop",
            "sharing.dmabuf", "sharing.anondup", "sharing.shmem", "shell");

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyPcmshareBundleIsActive() {
        for (String bsn : BUNDLES) {
            Bundle b = bundle(bsn);
            assertThat(b.getState()).as("state of %s", bsn).isEqualTo(Bundle.ACTIVE);
            assertThat(b.getHeaders("").get("Bundle-Vendor")).isEqualTo("pcmshare");
        }
    }

    @Test
    void infoCommandReportsBundlesAndLiveComponents(
            @InjectService(timeout = 5000) CommandProcessor gogo) throws Exception {
        String out = run(gogo, "pcmshare:info");
        for (String bsn : BUNDLES) {
            assertThat(out).containsPattern("ACTIVE\\s+" + java.util.regex.Pattern.quote(bsn) + "\\s");
        }
        assertThat(out).containsPattern("component pcmshare\\.shell\\.InfoCommand\\s+active");
    }

    @Test
    void stoppingABundleRemovesItsServicesAndStartingBringsThemBack(
            @InjectService(timeout = 5000) CommandProcessor gogo) throws Exception {
        Bundle shell = bundle("shell");
        ServiceTracker<Object, Object> infoCommand = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(&(osgi.command.scope=pcmshare)(osgi.command.function=info))"), null);
        infoCommand.open();
        try {
            assertThat(infoCommand.waitForService(5000)).isNotNull();
            stopAndStart(shell, gogo, infoCommand);
            assertThat(infoCommand.waitForService(5000)).isNotNull();
            assertThat(run(gogo, "pcmshare:info")).containsPattern("ACTIVE\\s+shell\\s");
        } finally {
            infoCommand.close();
        }
    }

    private void stopAndStart(Bundle shell, CommandProcessor gogo, ServiceTracker<Object, Object> infoCommand)
            throws Exception {
        shell.stop();
        try {
            assertThat(shell.getState()).isEqualTo(Bundle.RESOLVED);
            assertThat(infoCommand.isEmpty()).as("info command gone with its bundle").isTrue();
            assertThatThrownBy(() -> run(gogo, "pcmshare:info"))
                    .hasMessageContaining("Command not found");
            // the rest of the container keeps working
            assertThat(bundle("core.api").getState()).isEqualTo(Bundle.ACTIVE);
            assertThat(context.getBundle(0).getState()).isEqualTo(Bundle.ACTIVE);
        } finally {
            shell.start();
        }
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(context.getBundles())
                .filter(b -> bsn.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + bsn + " is not installed"));
    }

    static String run(CommandProcessor gogo, String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = gogo.createSession(InputStream.nullInputStream(), out, out)) {
            Object result = session.execute(line);
            if (result != null) {
                out.println(session.format(result, 0));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
