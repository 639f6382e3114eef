package pcmshare.driver.kit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * How the {@link Rule#DISCONNECT} rule takes the card away and brings it back.
 * The kit's default stops and starts the bundle that registered the card's
 * {@link pcmshare.core.api.driver.SoundCardDriver} service, as a driver
 * update in a running container does.
 */
public interface CardRemover {

    /** Takes the card away (its driver service is unregistered when this returns or soon after). */
    void remove() throws Exception;

    /** Brings it back (its driver service is registered again when this returns or soon after). */
    void restore() throws Exception;

    /** Stops and starts {@code bundle}. */
    static CardRemover stoppingBundle(Bundle bundle) {
        return new CardRemover() {
            @Override
            public void remove() throws BundleException {
                bundle.stop();
            }

            @Override
            public void restore() throws BundleException {
                bundle.start();
            }

            @Override
            public String toString() {
                return "stop and start bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
            }
        };
    }

    /** Runs {@code remove} and {@code restore}, e.g. unregistering and registering a test's own driver service. */
    static CardRemover of(Runnable remove, Runnable restore) {
        return new CardRemover() {
            @Override
            public void remove() {
                remove.run();
            }

            @Override
            public void restore() {
                restore.run();
            }

            @Override
            public String toString() {
                return "the test's own CardRemover";
            }
        };
    }
}
