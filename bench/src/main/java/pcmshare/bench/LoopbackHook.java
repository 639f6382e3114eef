package pcmshare.bench;

import java.lang.reflect.Method;

import pcmshare.core.api.driver.SoundCardDriver;

/**
 * Where the loopback handoff ({@link HandoffBenchmark#pcmshare_loopback}) gets its
 * card: driver.aloop's {@code Loopback} with snd-aloop's defaults (card id
 * "Loopback", own timer).
 *
 * <p>INTEGRATION HOOK (driver.aloop). The card is made reflectively so that this
 * module builds and runs before driver.aloop is on its class path; {@link Suite}
 * leaves the loopback contender out, and says so in RESULTS.md, while
 * {@link #missing()} is not null. When bench/pom.xml depends on driver.aloop,
 * replace the body of {@link #newCard()} with
 * {@code return new Loopback(LoopbackSettings.defaults(), LoopbackLog.system());}
 * and let {@link #missing()} return null.
 */
public final class LoopbackHook {
    static final String CARD_CLASS = "pcmshare.driver.aloop.Loopback";
    static final String SETTINGS_CLASS = "pcmshare.driver.aloop.LoopbackSettings";
    static final String LOG_CLASS = "pcmshare.driver.aloop.LoopbackLog";

    private LoopbackHook() {
    }

    /** Why the loopback contender cannot run here, or null when it can. */
    public static String missing() {
        try {
            newCard();
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            return "driver.aloop's " + CARD_CLASS + " is not on the benchmark class path (" + e + ")";
        }
    }

    /** A loopback card with snd-aloop's defaults: id "Loopback", 8 substreams, its own clock. */
    static SoundCardDriver newCard() throws ReflectiveOperationException {
        ClassLoader loader = LoopbackHook.class.getClassLoader();
        Class<?> card = Class.forName(CARD_CLASS, true, loader);
        Class<?> settings = Class.forName(SETTINGS_CLASS, true, loader);
        Class<?> log = Class.forName(LOG_CLASS, true, loader);
        Method defaults = settings.getMethod("defaults");
        Method system = log.getMethod("system");
        return (SoundCardDriver) card.getConstructor(settings, log).newInstance(defaults.invoke(null),
                system.invoke(null));
    }
}
