/**
 * The PCM API for applications: cards and their PCM devices, substreams
 * (playback and capture), hardware and software parameters, status, and the
 * {@link pcmshare.core.api.pcm.PcmCore} service through which substreams are
 * opened. States, rules and errors are ALSA's ({@code sound/core/pcm_native.c},
 * {@code pcm_lib.c}); refusals are {@link pcmshare.core.api.errno.ErrnoException}s.
 */
@Export
@Version("1.4.0")
package pcmshare.core.api.pcm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
