package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmCore;

/** share:dup, share:export, share:revoke, share:release and share:await on what the shell holds. */
class ShareHandleCommandsTest {
    private static final String CARD = "Shared";
    private static final String CAPTURE = "hw:" + CARD + ",0,0/capture";
    private static final String PLAYBACK = "hw:" + CARD + ",0,0";
    private static final Pattern NAME = Pattern.compile("^((?:dup|export)\\d+):", Pattern.MULTILINE);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    private TimedCard card;
    private ServiceRegistration<SoundCardDriver> reg;

    @BeforeEach
    void registerCard() {
        card = new TimedCard(CARD);
        reg = context.registerService(SoundCardDriver.class, card, (Dictionary<String, ?>) new Hashtable<String, Object>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (core.card(CARD).isEmpty()) {
            assertThat(System.nanoTime()).as("card appears").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @AfterEach
    void releaseAndUnregister() throws Exception {
        Matcher m = Pattern.compile("^  ((?:dup|export)\\d+):", Pattern.MULTILINE).matcher(run("share:list"));
        while (m.find()) {
            run("share:release " + m.group(1));
        }
        for (String s : new String[] {CAPTURE, PLAYBACK}) {
            try {
                run("pcm:close " + s);
            } catch (Exception notHeld) {
                // the test did not open it
            }
        }
        reg.unregister();
        card.shutdown();
    }

    private String run(String line) throws Exception {
        return ContainerTest.run(gogo, line);
    }

    private static String name(String out) {
        Matcher m = NAME.matcher(out);
        assertThat(m.find()).as("a share's name in: " + out).isTrue();
        return m.group(1);
    }

    @Test
    void dupsAreRestricted_aDupOfADupHasNoMore_revokeReachesTheDupsMadeFromIt_releaseLetsGo() throws Exception {
        run("pcm:open " + PLAYBACK);
        String monitor = run("share:dup " + PLAYBACK);
        String m = name(monitor);
        assertThat(monitor).containsPattern(m + ": anondup dup \\d+ of " + PLAYBACK
                + "/playback, MONITOR \\[INFO,MMAP,RW,STATUS\\]");
        assertThatThrownBy(() -> run("share:dup --preset FULL " + m)).as("more than the dup it is made from")
                .hasMessageContaining("EPERM").hasMessageContaining(m);
        String buffer = run("share:dup --preset buffer " + m);
        String b = name(buffer);
        assertThat(buffer).contains(b + ": anondup dup").contains(" of " + m + ", BUFFER [INFO,MMAP]");

        String list = run("share:list");
        assertThat(list).contains("the shell holds 2 shares:").contains("  " + m + ": anondup dup")
                .contains("  " + b + ": anondup dup").containsPattern("held by shell \\(" + m + "\\): MONITOR")
                .containsPattern("held by shell \\(" + b + "\\): BUFFER");

        assertThat(run("share:revoke " + m)).contains("revoked " + m).contains("and 1 dup made from it")
                .contains("EPERM");
        assertThat(run("share:list")).contains(m + ": anondup dup").contains(", MONITOR, revoked")
                .contains(b + ": anondup dup").contains(", BUFFER, revoked").contains("0 anondup dups");
        assertThat(run("share:release " + b)).isEqualToIgnoringNewLines("released " + b);
        assertThat(run("share:release " + m)).isEqualToIgnoringNewLines("released " + m);
        assertThat(run("share:list")).doesNotContain("the shell holds");
        assertThatThrownBy(() -> run("share:release " + m)).hasMessageContaining(
                "share:release: the shell holds no share named '" + m + "'");
    }

    @Test
    void exportOfARunningCapture_awaitsItsPeriods_timesOutClearly_cannotBeRevoked() throws Exception {
        run("pcm:open --mmap --period 4800 " + CAPTURE);
        String exported = run("share:export " + CAPTURE);
        String x = name(exported);
        assertThat(exported).containsPattern(x + ": dmabuf export \\d+ of " + CAPTURE + ", \\d+ bytes, 1 reference");
        assertThat(run("share:list")).containsPattern("dmabuf +\\d+ .* shell \\(" + x + "\\)")
                .contains("the shell holds 1 share:");

        // nothing is captured before the start: the first period's fence stays pending
        assertThatThrownBy(() -> run("share:await --timeout 0.2 " + x)).hasMessageContaining("ETIMEDOUT")
                .hasMessageContaining("period 1 of " + x + " did not signal within 0.2 s");
        run("pcm:prepare " + CAPTURE);
        run("pcm:start " + CAPTURE);
        assertThat(run("share:await " + x)).containsPattern("period \\d+ of " + x + " signalled after [0-9.]+ ms");
        assertThat(run("share:await --period 1 --timeout 0 " + x)).contains("period 1 of " + x + " signalled");
        assertThat(run("share:await --access read " + x)).contains("what a CPU read of " + x + " waits for signalled");

        assertThatThrownBy(() -> run("share:revoke " + x)).hasMessageContaining("cannot be revoked");
        assertThat(run("share:release " + x)).contains("released " + x);
        assertThat(run("share:list")).doesNotContain("shell (" + x + ")");
    }

    @Test
    void refusals_nameTheCommandWhatWasWrongAndWhatIsAllowed() throws Exception {
        run("pcm:open " + PLAYBACK);
        assertThatThrownBy(() -> run("share:dup --preset ROOT " + PLAYBACK)).hasMessageContaining(
                "share:dup: --preset 'ROOT' is not a preset; allowed: [BUFFER, FULL, MONITOR]");
        assertThatThrownBy(() -> run("share:export " + PLAYBACK)).as("RW access cannot be mapped")
                .hasMessageContaining("EINVAL").hasMessageContaining("open it with pcm:open --mmap");
        assertThatThrownBy(() -> run("share:dup hw:" + CARD + ",0,1")).hasMessageContaining(
                "share:dup shares substreams the shell holds (opened with pcm:open) and its dups, and hw:" + CARD
                        + ",0,1/playback is not one of them");
        String d = name(run("share:dup " + PLAYBACK));
        assertThatThrownBy(() -> run("share:await " + d)).hasMessageContaining("is a dup");
        assertThatThrownBy(() -> run("share:await --timeout -1 " + d)).hasMessageContaining(
                "--timeout -1 is not allowed");
        assertThatThrownBy(() -> run("share:dup --bogus " + PLAYBACK)).hasMessageStartingWith(
                "share:dup: unknown option --bogus");
        assertThatThrownBy(() -> run("share:release")).hasMessageStartingWith("share:release: missing");
    }
}
