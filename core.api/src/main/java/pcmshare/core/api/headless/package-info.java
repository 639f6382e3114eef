/**
 * The PCM core without a framework ({@link pcmshare.core.api.headless.HeadlessCore}),
 * for the unit tests of drivers: build a core on a manual clock, add and remove a
 * card, open its substreams and move time by hand.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.headless;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
