package pcmshare.core.api.sharing.anondup;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import pcmshare.core.api.pcm.PcmSubstream;

/**
 * Restricted duplicate handles on an open substream, as a service. The backend
 * registers it beside its {@link pcmshare.core.api.sharing.BufferExporter} of type
 * {@value #TYPE}.
 *
 * <p>Ownership: the handle a dup was made from is its owner. The owner lists
 * and revokes what it handed out; revoking a dup revokes the dups made from it
 * too.
 */
@ProviderType
public interface AnonDup {

    /** The sharing mechanism's name, the value of the exporter's {@code pcmshare.sharing.type} property. */
    String TYPE = "anondup";

    /**
     * A new handle on the substream of {@code handle}, restricted to {@code permissions}:
     * same substream, same runtime, no new open. {@code handle} may itself be a dup.
     *
     * @param holder who gets the handle, for listings
     * @throws pcmshare.core.api.errno.ErrnoException EPERM when {@code permissions}
     *         has a group {@code handle} has not (or {@code handle} is revoked),
     *         EINVAL for null permissions, EBADF when {@code handle} is closed,
     *         EBADFD when the card went away, ENODEV when the backend stopped
     */
    PcmSubstream dup(PcmSubstream handle, PcmPermissions permissions, String holder);

    default PcmSubstream dup(PcmSubstream handle, Preset preset, String holder) {
        return dup(handle, preset == null ? null : preset.permissions(), holder);
    }

    /** What {@code handle} may do: {@link Preset#FULL} for a handle this backend did not make, NONE once revoked. */
    PcmPermissions permissions(PcmSubstream handle);

    /** The live (not closed, not revoked) dups made from {@code owner}, oldest first. */
    List<DupInfo> dups(PcmSubstream owner);

    /**
     * Every live dup this backend made, whoever owns it (dups of dups and the dups behind exports
     * and imports included), oldest first: for listings, where the owners' handles are not at hand.
     */
    List<DupInfo> dups();

    /**
     * Revokes {@code dup} and every dup made from it: each later call on them is
     * EPERM, and a call blocked in one of them returns with EPERM at once. Their
     * mappings stay valid until released. Idempotent.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EPERM when {@code dup} was not
     *         made from {@code owner}
     */
    void revoke(PcmSubstream owner, PcmSubstream dup);

    /** Revokes every dup made from {@code owner}; returns how many were live. */
    int revokeAll(PcmSubstream owner);
}
