package pcmshare.driver.dummy;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

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

    private final DummyCard card;

    @Activate
    public DummyCardComponent(DummyConfig config) {
        this.card = new DummyCard(DummySettings.from(config));
    }

    @Deactivate
    void deactivate() {
        card.shutdown();
    }

    @Override
    public String id() {
        return card.id();
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
