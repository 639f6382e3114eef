package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * Dummy cards made and unmade through ConfigurationAdmin inside Felix: a
 * factory configuration brings up a card whose substreams run on the real
 * monotonic clock; changing it brings the card back with the new settings,
 * deleting it disconnects what was open.
 */
class DummyCardTest {
    private static final String FACTORY_PID = "pcmshare.driver.dummy";
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 21 ms periods in a 341 ms buffer: the test thread's hiccups on a busy machine do not overrun it. */
    private static final HwParams STEREO_48K = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 1024, 16);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    PcmCore core;

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void deleteConfigurations() throws Exception {
        Configuration[] left = configAdmin.listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
        if (left != null) {
            for (Configuration c : left) {
                c.delete();
            }
        }
        arena.close();
    }

    @Test
    void theBundleDescribesItsConfigurationWithMetatype() {
        Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> "driver.dummy".equals(b.getSymbolicName())).findFirst().orElseThrow();
        assertThat(bundle.getEntry("OSGI-INF/metatype/" + FACTORY_PID + ".xml")).isNotNull();
    }

    @Test
    void aFactoryConfigurationBringsUpACardWhoseSubstreamsRunAndDeletingItDisconnectsThem() throws Exception {
        Configuration cfg = configAdmin.getFactoryConfiguration(FACTORY_PID, "itest-a", "?");
        cfg.update(props("id", "itestA", "name", "itest card A", "playbackSubstreams", 2, "captureSubstreams", 1,
                "captureContent", "COUNTING"));
        CardInfo card = awaitCard("itestA", c -> true);
        assertThat(card.name()).isEqualTo("itest card A");
        assertThat(card.devices()).singleElement().satisfies(d -> {
            assertThat(d.playbackSubstreams()).isEqualTo(2);
            assertThat(d.captureSubstreams()).isEqualTo(1);
        });

        PcmSubstream playback = core.open("itestA", 0, Direction.PLAYBACK);
        playback.hwParams(STEREO_48K);
        playback.prepare();
        MemorySegment silence = arena.allocate(16 * 1024 * 4);
        assertThat(playback.write(silence, 16 * 1024)).isEqualTo(16 * 1024);
        assertThat(playback.state()).isEqualTo(PcmState.RUNNING);
        // a period plays in 21 ms; the card's timer frees it for the next write
        assertThat(playback.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();
        assertThat(playback.status().hwPtr()).isGreaterThanOrEqualTo(1024);
        assertThat(playback.write(silence, 1024)).isEqualTo(1024);

        PcmSubstream capture = core.open("itestA", 0, Direction.CAPTURE);
        capture.hwParams(STEREO_48K);
        capture.prepare();
        capture.start();
        assertThat(capture.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();
        MemorySegment dst = arena.allocate(256 * 4);
        assertThat(capture.read(dst, 256)).isEqualTo(256);
        for (int i = 0; i < 512; i++) {
            assertThat(dst.get(S16, i * 2L)).as("sample %d", i).isEqualTo((short) i);
        }

        cfg.delete();
        await(() -> core.card("itestA").isEmpty(), "card itestA gone");
        // the core lists the card as gone just before it disconnects the card's substreams
        await(() -> playback.state() == PcmState.DISCONNECTED && capture.state() == PcmState.DISCONNECTED,
                "substreams of itestA disconnected");
        assertThatThrownBy(() -> playback.write(silence, 256)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADFD));
        assertThatThrownBy(capture::avail).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADFD));
        assertThatThrownBy(() -> core.open("itestA", 0, Direction.PLAYBACK)).isInstanceOfSatisfying(
                ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        playback.close();
        capture.close();
    }

    @Test
    void changingTheConfigurationDisconnectsOpenSubstreamsAndBringsTheCardBackWithTheNewSettings() throws Exception {
        Configuration cfg = configAdmin.getFactoryConfiguration(FACTORY_PID, "itest-b", "?");
        cfg.update(props("id", "itestB", "pcmDevs", 1));
        awaitCard("itestB", c -> c.devices().size() == 1);
        PcmSubstream running = core.open("itestB", 0, Direction.CAPTURE);
        running.hwParams(STEREO_48K);
        running.prepare();
        running.start();
        assertThat(running.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();

        cfg.update(props("id", "itestB", "pcmDevs", 2, "name", "itest card B, two devices"));
        CardInfo card = awaitCard("itestB", c -> c.devices().size() == 2);
        assertThat(card.name()).isEqualTo("itest card B, two devices");
        await(() -> running.state() == PcmState.DISCONNECTED, "old substream disconnected");
        assertThatThrownBy(() -> running.read(arena.allocate(4), 1)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADFD));
        running.close();

        try (PcmSubstream again = core.open("itestB", 1, Direction.CAPTURE)) {
            again.hwParams(STEREO_48K);
            again.prepare();
            again.start();
            assertThat(again.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();
        }
    }

    @Test
    void severalCardsAtOnceAndAConfigurationWithNoPropertiesIsTheDummyCard() throws Exception {
        Configuration plain = configAdmin.getFactoryConfiguration(FACTORY_PID, "itest-plain", "?");
        plain.update(new Hashtable<>());
        Configuration second = configAdmin.getFactoryConfiguration(FACTORY_PID, "itest-c", "?");
        second.update(props("id", "itestC", "timerMode", "SYSTICK", "skewPpm", 100L));

        CardInfo dummy = awaitCard("Dummy", c -> true);
        assertThat(dummy.name()).isEqualTo("Dummy");
        assertThat(dummy.devices()).singleElement().satisfies(d -> {
            assertThat(d.playbackSubstreams()).isEqualTo(8);
            assertThat(d.captureSubstreams()).isEqualTo(8);
        });
        CardInfo c = awaitCard("itestC", x -> true);
        assertThat(c.clockSkewPpm()).isEqualTo(100);

        try (PcmSubstream a = core.open("Dummy", 0, Direction.CAPTURE);
                PcmSubstream b = core.open("itestC", 0, Direction.CAPTURE)) {
            for (PcmSubstream s : new PcmSubstream[] { a, b }) {
                s.hwParams(STEREO_48K.withPeriodSize(512));
                s.prepare();
                s.start();
            }
            assertThat(a.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();
            assertThat(b.waitAvail(TimeUnit.SECONDS.toNanos(2))).isTrue();
        }
        plain.delete();
        second.delete();
        await(() -> core.card("Dummy").isEmpty() && core.card("itestC").isEmpty(), "both cards gone");
    }

    private static Dictionary<String, Object> props(Object... keyValues) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    private CardInfo awaitCard(String id, java.util.function.Predicate<CardInfo> condition) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        for (;;) {
            Optional<CardInfo> card = core.card(id);
            if (card.isPresent() && condition.test(card.get())) {
                return card.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("card " + id + " did not come up as expected; cards: " + core.cards());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
