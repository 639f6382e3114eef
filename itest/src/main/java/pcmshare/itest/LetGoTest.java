package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmCore;

/** The shell lets go of a substream it holds (pcm:open) when its card goes away, and says so. */
class LetGoTest {
    private static final String CARD = "LetGo";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @InjectService(timeout = 5000)
    LogReaderService logReader;

    @Test
    void cardGoneAndBack_shellLetsGoOfItsHandle_andPcmOpenWorksAgain() throws Exception {
        List<LogEntry> log = new CopyOnWriteArrayList<>();
        LogListener listener = log::add;
        logReader.addLogListener(listener);
        TimedCard first = new TimedCard(CARD);
        TimedCard second = new TimedCard(CARD);
        ServiceRegistration<SoundCardDriver> reg = register(first);
        try {
            assertThat(ContainerTest.run(gogo, "pcm:open hw:" + CARD + ",0,0")).contains("opened hw:" + CARD);
            reg.unregister();
            reg = null;
            await("the shell says it let go", () -> log.stream().anyMatch(e -> e.getMessage()
                    .contains("the shell let go of hw:" + CARD + ",0,0/playback") && e.getMessage()
                    .contains("its card went away") && "shell".equals(e.getBundle().getSymbolicName())));
            reg = register(second);
            assertThat(ContainerTest.run(gogo, "pcm:open hw:" + CARD + ",0,0")).contains("opened hw:" + CARD);
            assertThat(ContainerTest.run(gogo, "pcm:list")).containsPattern(CARD + ".*shell \\(pcm:open\\)");
            assertThat(ContainerTest.run(gogo, "pcm:close hw:" + CARD + ",0,0")).contains("closed");
        } finally {
            logReader.removeLogListener(listener);
            if (reg != null) {
                reg.unregister();
            }
            first.shutdown();
            second.shutdown();
        }
    }

    private ServiceRegistration<SoundCardDriver> register(TimedCard card) {
        ServiceRegistration<SoundCardDriver> reg = context.registerService(SoundCardDriver.class, card,
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        await("card appears", () -> core.card(CARD).isPresent());
        return reg;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
