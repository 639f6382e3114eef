package pcmshare.driver.kit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.headless.HeadlessCore;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.driver.kit.check.Checks;
import pcmshare.driver.kit.check.Settings;

/**
 * The conformance kit, pointed at one card inside a running framework. Use it
 * from a JUnit 5 test in your test bundle:
 *
 * <pre>{@code
 * class MyCardConformanceTest {
 *     @TestFactory
 *     Stream<DynamicTest> myCardConforms() {
 *         return DriverConformance.forCard("MyCard").build().dynamicTests();
 *     }
 * }
 * }</pre>
 *
 * Each {@link Rule} becomes one test named after it; a failure is a
 * {@link ConformanceFailure} whose message starts with the rule's name.
 * {@link #run()} gives the same results as values, for tests of the kit itself.
 *
 * <p>The card is found through the {@link PcmCore} service; the rules run on
 * the real clock, waiting only in blocking reads, writes and waits with
 * deadlines. A run takes a few seconds per device.
 */
public final class DriverConformance {
    private final Settings settings;

    private DriverConformance(Settings settings) {
        this.settings = settings;
    }

    /** A kit for the card with this id ({@code PcmCore.card(id)}). */
    public static Builder forCard(String cardId) {
        return new Builder(cardId);
    }

    /**
     * A kit for {@code driver}'s card without a framework, e.g. in a plain JUnit test of the driver's
     * own module: the card is added to a {@link HeadlessCore} on the real clock (the rules measure real
     * time), and {@link Rule#DISCONNECT} removes and adds it again.
     *
     * <pre>{@code
     * @TestFactory
     * Stream<DynamicTest> myCardConforms() {
     *     return DriverConformance.headless(new MyCard()).build().dynamicTests();
     * }
     * }</pre>
     */
    public static Builder headless(SoundCardDriver driver) {
        HeadlessCore core = HeadlessCore.on(Clock.monotonic());
        String id = core.addCard(driver);
        return new Builder(id).core(core).remover(CardRemover.of(() -> core.removeCard(driver),
                () -> core.addCard(driver)));
    }

    /** The card's id. */
    public String cardId() {
        return settings.cardId();
    }

    /** One dynamic test per rule, in order, each named after its rule. */
    public Stream<DynamicTest> dynamicTests() {
        return Arrays.stream(Rule.values()).map(rule -> DynamicTest.dynamicTest(rule.id(), () -> {
            RuleResult r = run(rule);
            switch (r.outcome()) {
                case PASSED -> {
                }
                case FAILED -> {
                    if (r.failure() instanceof ConformanceFailure f) {
                        throw f;
                    }
                    throw new ConformanceFailure(rule, r.message(), r.failure());
                }
                case SKIPPED -> throw new org.opentest4j.TestAbortedException(rule.id() + ": " + r.message());
            }
        }));
    }

    /** Runs every rule in order. */
    public List<RuleResult> run() {
        List<RuleResult> results = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            results.add(run(rule));
        }
        return results;
    }

    /** Runs one rule. */
    public RuleResult run(Rule rule) {
        return new Checks(settings).run(rule);
    }

    /** What a kit is pointed at, and how far it may go. */
    public static final class Builder {
        private final String cardId;
        private BundleContext context;
        private PcmCore core;
        private CardRemover remover;
        private HwParams params;
        private Duration measure = Duration.ofMillis(400);
        private Duration serviceTimeout = Duration.ofSeconds(10);

        private Builder(String cardId) {
            this.cardId = Objects.requireNonNull(cardId, "cardId");
        }

        /** The context to find services with; by default the kit bundle's own. */
        public Builder context(BundleContext c) {
            this.context = c;
            return this;
        }

        /** The core to use; by default the {@link PcmCore} service. */
        public Builder core(PcmCore c) {
            this.core = c;
            return this;
        }

        /**
         * How {@link Rule#DISCONNECT} takes the card away and brings it back; by
         * default the bundle that registered the card's driver service is stopped
         * and started. A card registered by the test bundle itself needs one.
         */
        public Builder remover(CardRemover r) {
            this.remover = r;
            return this;
        }

        /**
         * The parameters the streaming rules run with; by default S16_LE stereo
         * near 48 kHz with about 10 ms periods, fitted into the card's constraints.
         */
        public Builder params(HwParams p) {
            this.params = p;
            return this;
        }

        /** How long {@link Rule#POINTER_FOLLOWS_CLOCK} measures; 400 ms by default. */
        public Builder measure(Duration d) {
            this.measure = d;
            return this;
        }

        /** How long to wait for services and for the card to go and come back; 10 s by default. */
        public Builder serviceTimeout(Duration d) {
            this.serviceTimeout = d;
            return this;
        }

        public DriverConformance build() {
            BundleContext c = context;
            if (c == null) {
                var bundle = FrameworkUtil.getBundle(DriverConformance.class);
                c = bundle == null ? null : bundle.getBundleContext();
            }
            if (c == null && core == null) {
                throw new IllegalStateException("the kit runs inside a framework (give it a BundleContext or a "
                        + "PcmCore) or on a HeadlessCore (DriverConformance.headless)");
            }
            return new DriverConformance(new Settings(cardId, c, core, remover, params, measure.toNanos(),
                    serviceTimeout.toNanos()));
        }
    }
}
