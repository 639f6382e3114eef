/**
 * The hardware-parameter space of ALSA ({@code struct snd_pcm_hw_params}) and
 * its refinement, as an application negotiates with a card: masks for access,
 * format and subformat, intervals for the rest ({@link Interval}, the kernel's
 * {@code struct snd_interval}), the rules a driver adds ({@link HwRule}, the
 * kernel's {@code snd_pcm_hw_rule_add}), alsa-lib's client-side steps
 * ({@link HwNegotiation}: {@code snd_pcm_hw_params_any}, {@code _set_*_near},
 * {@code _first}, {@code _last}, {@code _min}, {@code _max}, and the final
 * choice), and the binary layout of the struct ({@link HwParamsLayout}).
 * Values are unsigned 32-bit, as in the kernel, held in {@code long}s.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.pcm.hw;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
