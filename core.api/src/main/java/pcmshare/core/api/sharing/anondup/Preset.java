package pcmshare.core.api.sharing.anondup;

import static pcmshare.core.api.sharing.anondup.PcmPermission.INFO;
import static pcmshare.core.api.sharing.anondup.PcmPermission.MMAP;
import static pcmshare.core.api.sharing.anondup.PcmPermission.RW;
import static pcmshare.core.api.sharing.anondup.PcmPermission.STATUS;

/** Named permission sets. */
public enum Preset {
    /** Everything the original handle may do (the kernel's SNDRV_PCM_PERM_FULL). */
    FULL(PcmPermissions.ofBits(PcmPermission.ALL_BITS)),
    /**
     * Map, read/write, status and position: a client that follows a stream the
     * owner controls (the slave of a master/slave model). No setup, no triggers.
     */
    MONITOR(PcmPermissions.of(INFO, MMAP, RW, STATUS)),
    /**
     * Map the data area only (the kernel's SNDRV_PCM_PERM_BUFFER), plus the
     * read-out of the setup that says how the mapped bytes are laid out.
     */
    BUFFER(PcmPermissions.of(INFO, MMAP));

    private final PcmPermissions permissions;

    Preset(PcmPermissions permissions) {
        this.permissions = permissions;
    }

    public PcmPermissions permissions() {
        return permissions;
    }
}
