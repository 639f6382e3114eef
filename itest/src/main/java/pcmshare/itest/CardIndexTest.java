package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmCore;

/**
 * Card indexes as the shell shows and resolves them: {@code hw:N} keeps naming the
 * same card while others come and go, and a configuration may pin a card's index.
 */
class CardIndexTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private final List<ServiceRegistration<SoundCardDriver>> registered = new ArrayList<>();
    private final List<TimedCard> cards = new ArrayList<>();
    private Configuration pinned;

    @AfterEach
    void cleanUp() throws Exception {
        for (ServiceRegistration<SoundCardDriver> r : registered) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered by the test
            }
        }
        cards.forEach(TimedCard::shutdown);
        if (pinned != null) {
            pinned.delete();
        }
    }

    @Test
    void indexStaysWithItsCardWhenAnotherGoesAndComesBack() throws Exception {
        register("IdxFirst");
        ServiceRegistration<SoundCardDriver> second = register("IdxSecond");
        register("IdxThird");
        int secondIndex = indexOf("IdxSecond");
        int thirdIndex = indexOf("IdxThird");

        second.unregister();
        awaitGone("IdxSecond");
        assertThat(indexOf("IdxThird")).as("hw:N of a card after an earlier card went").isEqualTo(thirdIndex);
        assertThat(ContainerTest.run(gogo, "pcm:status hw:" + thirdIndex)).contains("hw:IdxThird,0,0");

        register("IdxFourth");
        assertThat(indexOf("IdxFourth")).as("a new card does not take the index of one that went")
                .isNotEqualTo(secondIndex);
        register("IdxSecond");
        assertThat(indexOf("IdxSecond")).as("a card that comes back has its index again").isEqualTo(secondIndex);
    }

    @Test
    void configurationPinsTheIndex() throws Exception {
        pinned = configAdmin.getFactoryConfiguration("pcmshare.driver.dummy", "pinned-index", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("id", "IdxPinned");
        props.put("index", "29");
        pinned.update(props);
        awaitPresent("IdxPinned");
        assertThat(indexOf("IdxPinned")).isEqualTo(29);
        assertThat(ContainerTest.run(gogo, "pcm:status hw:29")).contains("hw:IdxPinned,0,0");
    }

    private ServiceRegistration<SoundCardDriver> register(String id) {
        TimedCard card = new TimedCard(id);
        cards.add(card);
        ServiceRegistration<SoundCardDriver> r = context.registerService(SoundCardDriver.class, card,
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        registered.add(r);
        awaitPresent(id);
        return r;
    }

    /** The index pcm:cards shows for the card. */
    private int indexOf(String id) throws Exception {
        Matcher m = Pattern.compile("(?m)^(\\d+)\\s+" + Pattern.quote(id) + "\\s").matcher(
                ContainerTest.run(gogo, "pcm:cards"));
        assertThat(m.find()).as("pcm:cards lists %s", id).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private void awaitPresent(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (core.card(id).isEmpty()) {
            assertThat(System.nanoTime()).as("card %s appears", id).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private void awaitGone(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (core.card(id).isPresent()) {
            assertThat(System.nanoTime()).as("card %s goes", id).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
