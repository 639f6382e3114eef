package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.driver.kit.CardRemover;
import pcmshare.driver.kit.ConformanceFailure;
import pcmshare.driver.kit.DriverConformance;
import pcmshare.driver.kit.Rule;
import pcmshare.driver.kit.RuleResult;

/**
 * The kit fails, naming the rule, against drivers broken on purpose (a
 * {@link TimerCard} with a flaw, registered from this bundle), and passes the
 * same card without the flaw: so its failures come from the flaws.
 */
class KitCatchesBrokenDriversTest {

    @InjectBundleContext
    BundleContext context;

    private final AtomicReference<ServiceRegistration<SoundCardDriver>> registration = new AtomicReference<>();

    @AfterEach
    void unregister() {
        ServiceRegistration<SoundCardDriver> reg = registration.getAndSet(null);
        if (reg != null) {
            reg.unregister();
        }
    }

    /** Registers the card; the kit's disconnect rule unregisters and registers it again. */
    private DriverConformance kitFor(TimerCard card) {
        Runnable register = () -> registration.set(context.registerService(SoundCardDriver.class, card,
                (Dictionary<String, ?>) new Hashtable<String, Object>()));
        register.run();
        CardRemover remover = CardRemover.of(() -> registration.getAndSet(null).unregister(), register);
        return DriverConformance.forCard(card.id()).context(context).remover(remover).build();
    }

    private static Map<Rule, RuleResult> byRule(List<RuleResult> results) {
        return results.stream().collect(Collectors.toMap(RuleResult::rule, Function.identity()));
    }

    @Test
    void pointerRunsBackwards_kitFailsPointerMonotonicAndPointerFollowsClock() {
        DriverConformance kit = kitFor(new TimerCard("KitBackwards", TimerCard.Flaw.POINTER_BACKWARDS, 1));

        RuleResult monotonic = kit.run(Rule.POINTER_MONOTONIC);
        assertThat(monotonic.failed()).as(monotonic.toString()).isTrue();
        assertThat(monotonic.message()).startsWith("pointer-monotonic: ").contains("KitBackwards");
        assertThat(monotonic.failure()).isInstanceOfSatisfying(ConformanceFailure.class,
                f -> assertThat(f.rule()).isEqualTo(Rule.POINTER_MONOTONIC));

        RuleResult clock = kit.run(Rule.POINTER_FOLLOWS_CLOCK);
        assertThat(clock.failed()).as(clock.toString()).isTrue();
        assertThat(clock.message()).startsWith("pointer-follows-clock: ");

        // what the flaw does not touch still passes: the failures are the pointer's
        assertThat(kit.run(Rule.CARD_LISTED).passed()).isTrue();
        assertThat(kit.run(Rule.CONSTRAINTS_ENFORCED).passed()).isTrue();
    }

    @Test
    void pointerRunsBackwards_theDynamicTestNamedPointerMonotonicThrowsItsFailure() {
        DriverConformance kit = kitFor(new TimerCard("KitBackwards2", TimerCard.Flaw.POINTER_BACKWARDS, 1));
        DynamicTest test = kit.dynamicTests().filter(t -> t.getDisplayName().equals("pointer-monotonic"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> test.getExecutable().execute()).isInstanceOfSatisfying(ConformanceFailure.class,
                f -> {
                    assertThat(f.rule()).isEqualTo(Rule.POINTER_MONOTONIC);
                    assertThat(f.getMessage()).startsWith("pointer-monotonic: ");
                });
        assertThat(kit.dynamicTests().map(DynamicTest::getDisplayName))
                .containsExactly(java.util.Arrays.stream(Rule.values()).map(Rule::id).toArray(String[]::new));
    }

    @Test
    void refusesRatesItDeclares_kitFailsConstraintsHonoured() {
        DriverConformance kit = kitFor(new TimerCard("KitLiar", TimerCard.Flaw.REFUSES_DECLARED_RATES, 1));
        RuleResult honoured = kit.run(Rule.CONSTRAINTS_HONOURED);
        assertThat(honoured.failed()).as(honoured.toString()).isTrue();
        assertThat(honoured.message()).startsWith("constraints-honoured: ").contains("rate 8000");
        assertThat(kit.run(Rule.CONSTRAINTS_ENFORCED).passed()).isTrue();
        assertThat(kit.run(Rule.POINTER_FOLLOWS_CLOCK).passed()).isTrue();
    }

    @Test
    void theSameCardWithoutAFlaw_passesEveryRule() {
        DriverConformance kit = kitFor(new TimerCard("KitSound", TimerCard.Flaw.NONE, 2));
        List<RuleResult> results = kit.run();
        assertThat(results).extracting(RuleResult::rule).containsExactly(Rule.values());
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        assertThat(byRule(results).get(Rule.DISCONNECT).message()).contains("disconnected");
    }
}
