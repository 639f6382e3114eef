package pcmshare.driver.aloop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import pcmshare.core.api.driver.DriverConfiguration;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * The loopback card as a whiteboard {@link SoundCardDriver} service, one per
 * configuration. Configuration PID {@value #PID}, policy OPTIONAL: with no
 * configuration at all there is one card, id "Loopback", with snd-aloop's
 * defaults; a configuration of PID {@value #PID} changes that card; each
 * factory configuration of factory PID {@value #PID} makes one card instead
 * (the unconfigured one then goes away). A changed configuration replaces the
 * card (its open substreams are disconnected), since a card's identity and
 * devices are read once by the core.
 *
 * <p>Every other card's service (loopback cards aside) is tracked (dynamic,
 * greedy) to find the configured timer source by id or name as it comes and goes.
 */
@Component(service = SoundCardDriver.class, configurationPid = AloopComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AloopConfig.class, factory = true)
public final class AloopComponent implements SoundCardDriver {
    /** The configuration PID and factory PID. */
    public static final String PID = "pcmshare.driver.aloop";

    // set once by activate: an activate method, not the constructor, so that SCR logs (and its DTO keeps)
    // the refusal itself, where a failing constructor shows as InvocationTargetException: null
    private volatile Loopback loopback;
    private volatile int index = -1;

    /**
     * The OSGi log when there is one at activation (a log service coming later does not replace the card:
     * its streams would be disconnected); else System.Logger.
     */
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.RELUCTANT)
    private Logger logger;

    /**
     * Makes the card, or refuses the configuration with {@code "ID: not created: PROPERTY = VALUE: why"}
     * (SCR logs it under this bundle, and {@code pcm:cards} shows it); unknown keys are logged as warnings.
     */
    /** Cards bound before activation made the loopback. */
    private final List<SoundCardDriver> early = new ArrayList<>();

    @Activate
    synchronized void activate(AloopConfig config, Map<String, Object> properties) {
        Object id = properties.getOrDefault("id", "Loopback");
        LoopbackLog log = logger == null ? LoopbackLog.system() : new LoopbackLog() {
            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void info(String message) {
                logger.info(message);
            }
        };
        try {
            DriverConfiguration.checkValues(AloopConfig.class, properties);
            DriverConfiguration.checkValues(AloopLegacyConfig.class, properties);
            if (config.index() < -1 || config.index() > 31) {
                throw new IllegalArgumentException("index = " + config.index()
                        + ": must be in [0, 31], or -1 for the core to choose");
            }
            this.index = config.index();
            this.loopback = new Loopback(LoopbackSettings.of(config, properties), log);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(id + ": not created: " + LegacyNames.asWritten(e.getMessage(),
                    properties), e);
        }
        LegacyNames.warnings(id, properties).forEach(log::warn);
        Set<String> unknown = new java.util.TreeSet<>(DriverConfiguration.unknownKeys(AloopConfig.class, properties));
        unknown.removeAll(LegacyNames.RENAMED.keySet());
        if (!unknown.isEmpty()) {
            log.warn("loopback card " + id + ": unknown configuration properties " + unknown + " are ignored; known: "
                    + DriverConfiguration.knownKeys(AloopConfig.class));
        }
        early.forEach(loopback::cardAppeared);
        early.clear();
        if (loopback.waitingForSource()) {
            loopback.log().info("loopback card " + config.id() + ": timer source card '" + loopback.settings().timerSource()
                    + "' is not present; cables run on their own clock until it comes");
        }
    }

    // other loopback cards are left out: a loopback's clock is no better than this one's, and SCR would be asked
    // for this component's own service while registering it
    @Reference(name = "card", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeCard",
            target = "(!(component.name=pcmshare.driver.aloop.AloopComponent))")
    synchronized void addCard(SoundCardDriver card) {
        if (card == this) {
            return;
        }
        if (loopback == null) {
            // DS binds method references before it calls activate
            early.add(card);
        } else {
            loopback.cardAppeared(card);
        }
    }

    synchronized void removeCard(SoundCardDriver card) {
        if (card == this) {
            return;
        }
        if (loopback == null) {
            early.remove(card);
        } else {
            loopback.cardGone(card);
        }
    }

    @Override
    public String id() {
        return loopback.id();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public String name() {
        return loopback.name();
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return loopback.devices();
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return loopback.open(runtime);
    }

    @Override
    public String toString() {
        return "AloopComponent[" + loopback.id() + "]";
    }
}
