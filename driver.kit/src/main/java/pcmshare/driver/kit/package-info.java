/**
 * A conformance kit for driver authors: {@link pcmshare.driver.kit.DriverConformance}
 * runs a card, found by its id through the {@link pcmshare.core.api.pcm.PcmCore}
 * service, through the rules every pcmshare card keeps (the {@link pcmshare.driver.kit.Rule}s),
 * inside a real framework on the real clock. Each rule is a JUnit 5 dynamic test
 * named after it, and each failure message starts with the rule's name.
 */
@Export
@Version("1.1.0")
package pcmshare.driver.kit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
