package pcmshare.driver.dummy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
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
 * One dummy card per factory configuration of {@value #FACTORY_PID}. There is
 * deliberately no modified method: a changed configuration deactivates this
 * card (its service goes away, so the core disconnects the open substreams)
 * and activates a new one with the new settings, as the SPI wants a new
 * service for a new identity or new devices.
 */
@Component(name = DummyCardComponent.FACTORY_PID, configurationPid = DummyCardComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = SoundCardDriver.class)
@Designate(ocd = DummyConfig.class, factory = true)
public final class DummyCardComponent implements SoundCardDriver {
    public static final String FACTORY_PID = "pcmshare.driver.dummy";

    // set once by activate: an activate method, not the constructor, so that SCR logs (and its DTO keeps)
    // the refusal itself, where a failing constructor shows as InvocationTargetException: null
    private DummyCard card;
    private int index = -1;

    /**
     * Makes the card, or refuses the configuration with {@code "ID: not created: PROPERTY = VALUE: why"}
     * (SCR logs it under this bundle, and {@code pcm:cards} shows it); unknown keys are logged as warnings.
     */
    @Activate
    void activate(DummyConfig config, Map<String, Object> properties) {
        Object id = properties.getOrDefault("id", "Dummy");
        try {
            DriverConfiguration.checkValues(DummyConfig.class, properties);
            if (config.index() < -1 || config.index() > 31) {
                throw new IllegalArgumentException("index = " + config.index()
                        + ": must be in [0, 31], or -1 for the core to choose");
            }
            this.index = config.index();
            this.card = new DummyCard(DummySettings.from(config));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(id + ": not created: " + e.getMessage(), e);
        }
        Set<String> unknown = DriverConfiguration.unknownKeys(DummyConfig.class, properties);
        if (!unknown.isEmpty() && logger != null) {
            logger.warn("dummy card {}: unknown configuration properties {} are ignored; known: {}", id, unknown,
                    DriverConfiguration.knownKeys(DummyConfig.class));
        }
    }

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.RELUCTANT)
    private Logger logger;

    @Deactivate
    void deactivate() {
        card.shutdown();
    }

    @Override
    public String id() {
        return card.id();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public String name() {
        return card.name();
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return card.devices();
    }

    @Override
    public long clockSkewPpm() {
        return card.clockSkewPpm();
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return card.open(runtime);
    }

    @Override
    public String toString() {
        return card.toString();
    }
}
