/**
 * The driver SPI, as a whiteboard: a driver bundle registers one
 * {@link pcmshare.core.api.driver.SoundCardDriver} service per card. The core
 * tracks these services, turns each card into substreams with ALSA's state
 * machine, and calls the driver's {@link pcmshare.core.api.driver.PcmOps} the way
 * the kernel calls a driver's snd_pcm_ops. The driver reports progress through
 * the {@link pcmshare.core.api.driver.PcmRuntime} it is given at open
 * (snd_pcm_period_elapsed). When the service goes away, the card's substreams
 * become DISCONNECTED. A driver needs nothing but this package, the pcm
 * package's value types and the clock.
 */
@Export
@Version("1.3.0")
package pcmshare.core.api.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
