/**
 * Errors of pcmshare, named by the Linux errno a user of ALSA, dma-buf or memfd
 * already knows, with the operation, the state and the value that were refused.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.errno;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
