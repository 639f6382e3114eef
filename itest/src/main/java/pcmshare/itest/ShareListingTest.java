package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;

/** share:list and share:backends show the anondup dups that exist, whoever made them. */
class ShareListingTest {
    private static final String CARD = "ShareListed";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    AnonDup anondup;

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
    void unregister() {
        reg.unregister();
        card.shutdown();
    }

    @Test
    void shareListShowsDupsWhileTheyExist_andBackendsCountsThem() throws Exception {
        try (PcmSubstream server = core.open(CARD, 0, Direction.PLAYBACK, -1, false, "itest server")) {
            PcmSubstream a = anondup.dup(server, Preset.MONITOR, "itest client a");
            PcmSubstream b = anondup.dup(server, Preset.BUFFER, "itest client b");
            String list = ContainerTest.run(gogo, "share:list");
            assertThat(list).containsPattern("dup \\d+ of .*" + CARD + ".* held by itest client a: ")
                    .containsPattern("dup \\d+ of .*" + CARD + ".* held by itest client b: ")
                    .contains("2 anondup dups");
            assertThat(ContainerTest.run(gogo, "share:backends")).containsPattern("anondup .*\\(\\+ 2 dups\\)");
            a.close();
            b.close();
            assertThat(ContainerTest.run(gogo, "share:list")).doesNotContain("itest client").contains("0 anondup dups");
        }
    }
}
