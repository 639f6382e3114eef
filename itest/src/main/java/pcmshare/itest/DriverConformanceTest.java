package pcmshare.itest;

import java.util.Hashtable;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.driver.kit.DriverConformance;

/**
 * pcmshare's own drivers pass the conformance kit, one dynamic test per rule.
 * The kit's disconnect rule stops and starts the driver's bundle. A driver
 * that joins the workspace adds one factory method here.
 */
class DriverConformanceTest {
    private static final String DUMMY_PID = "pcmshare.driver.dummy";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private Configuration config;

    @AfterEach
    void deleteConfiguration() throws Exception {
        if (config != null) {
            config.delete();
        }
    }

    @TestFactory
    Stream<DynamicTest> dummyCardConforms() throws Exception {
        config = configAdmin.getFactoryConfiguration(DUMMY_PID, "kit", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", "KitDummy");
        props.put("name", "Dummy card under the conformance kit");
        config.update(props);
        return DriverConformance.forCard("KitDummy").context(context).build().dynamicTests();
    }

    /** The loopback card the container has without any configuration. */
    @TestFactory
    Stream<DynamicTest> loopbackCardConforms() {
        return DriverConformance.forCard("Loopback").context(context).build().dynamicTests();
    }
}
