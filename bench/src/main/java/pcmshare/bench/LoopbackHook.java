package pcmshare.bench;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.driver.aloop.Loopback;
import pcmshare.driver.aloop.LoopbackLog;
import pcmshare.driver.aloop.LoopbackSettings;

/**
 * Where the loopback handoff ({@link HandoffBenchmark#pcmshare_loopback}) gets its
 * card: driver.aloop's {@link Loopback} with snd-aloop's defaults (card id
 * "Loopback", its own timer) and one cable.
 */
public final class LoopbackHook {
    private LoopbackHook() {
    }

    /** Why the loopback contender cannot run here, or null when it can. */
    public static String missing() {
        try {
            newCard();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "driver.aloop's loopback card cannot be made here (" + e + ")";
        }
    }

    /** A loopback card with snd-aloop's defaults and one substream each way; it logs nothing. */
    static SoundCardDriver newCard() {
        LoopbackLog quiet = new LoopbackLog() {
            @Override
            public void warn(String message) {
            }

            @Override
            public void info(String message) {
            }
        };
        return new Loopback(LoopbackSettings.defaults().withSubstreams(1), quiet);
    }
}
