/**
 * Restricted duplicate handles on a substream (the anonymous dup of ALSA's
 * snd_pcm_anonymous_dup patch, with finer permission groups).
 *
 * <p>{@link pcmshare.core.api.sharing.anondup.AnonDup#dup} gives a new handle on the
 * same open substream and runtime (no new open, no new hardware parameters) that
 * may do only what its {@link pcmshare.core.api.sharing.anondup.PcmPermissions} allow:
 * every operation of {@link pcmshare.core.api.pcm.PcmSubstream} belongs to one
 * {@link pcmshare.core.api.sharing.anondup.PcmPermission} group, and an operation
 * outside the handle's groups is EPERM naming the operation and the permissions.
 * Presets: {@link pcmshare.core.api.sharing.anondup.Preset#FULL FULL} (everything),
 * {@link pcmshare.core.api.sharing.anondup.Preset#MONITOR MONITOR} (map, read/write,
 * status and position: the "slave" of a master/slave model) and
 * {@link pcmshare.core.api.sharing.anondup.Preset#BUFFER BUFFER} (map the data area).
 *
 * <p>A dup keeps the substream's runtime and buffer alive after its owner closes;
 * the owner lists and revokes the dups it handed out, after which every call on a
 * revoked handle is EPERM, including one blocked in a read or write at that moment.
 * The backend registers itself also as a {@link pcmshare.core.api.sharing.BufferExporter}
 * of type {@value pcmshare.core.api.sharing.anondup.AnonDup#TYPE}, exporting a
 * {@link pcmshare.core.api.sharing.anondup.DupRequest}.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.sharing.anondup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
