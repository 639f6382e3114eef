package pcmshare.core.api.sharing.anondup;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * An immutable set of {@link PcmPermission} groups, held as a bit mask so that a
 * check on the data path is one AND.
 *
 * @param bits one {@link PcmPermission#bit()} per group allowed
 */
public record PcmPermissions(int bits) {

    /**
     * @throws ErrnoException EINVAL when a bit names no group
     */
    public PcmPermissions {
        if ((bits & ~PcmPermission.ALL_BITS) != 0) {
            throw new ErrnoException(Errno.EINVAL, "permissions", null, "0x" + Integer.toHexString(bits),
                    "unknown permission bits 0x" + Integer.toHexString(bits & ~PcmPermission.ALL_BITS)
                            + "; known mask 0x" + Integer.toHexString(PcmPermission.ALL_BITS));
        }
    }

    /** No group at all: such a handle may only be closed (or dup'ed into another empty one). */
    public static final PcmPermissions NONE = new PcmPermissions(0);

    /** The set of a bit mask (as SNDRV_PCM_PERM_*); EINVAL for an unknown bit. */
    public static PcmPermissions ofBits(int bits) {
        return new PcmPermissions(bits);
    }

    public static PcmPermissions of(PcmPermission... groups) {
        int bits = 0;
        for (PcmPermission p : groups) {
            if (p == null) {
                throw new ErrnoException(Errno.EINVAL, "permissions", null, null, "null permission group");
            }
            bits |= p.bit();
        }
        return new PcmPermissions(bits);
    }

    public static PcmPermissions of(Set<PcmPermission> groups) {
        return of(groups.toArray(PcmPermission[]::new));
    }

    /**
     * Parses a preset name ({@code "MONITOR"}) or a list of group names
     * ({@code "INFO,MMAP"}, {@code "mmap|rw"}), in any case; an empty string is
     * {@link #NONE}.
     *
     * @throws ErrnoException EINVAL for a name that is neither a preset nor a group
     */
    public static PcmPermissions parse(String text) {
        if (text == null) {
            throw new ErrnoException(Errno.EINVAL, "permissions", null, null, "no permissions given");
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return NONE;
        }
        for (Preset p : Preset.values()) {
            if (p.name().equalsIgnoreCase(t)) {
                return p.permissions();
            }
        }
        int bits = 0;
        for (String part : t.split("[,|+\\s]+")) {
            bits |= PcmPermission.named(part).bit();
        }
        return new PcmPermissions(bits);
    }

    public boolean has(PcmPermission group) {
        return (bits & group.bit()) != 0;
    }

    /** Whether every group of {@code other} is also in this set. */
    public boolean includes(PcmPermissions other) {
        return (other.bits & ~bits) == 0;
    }

    public PcmPermissions intersect(PcmPermissions other) {
        return new PcmPermissions(bits & other.bits);
    }

    public Set<PcmPermission> groups() {
        EnumSet<PcmPermission> set = EnumSet.noneOf(PcmPermission.class);
        for (PcmPermission p : PcmPermission.values()) {
            if (has(p)) {
                set.add(p);
            }
        }
        return set;
    }

    /** The preset with exactly these groups, if any. */
    public Preset preset() {
        for (Preset p : Preset.values()) {
            if (p.permissions().bits == bits) {
                return p;
            }
        }
        return null;
    }

    /** e.g. {@code MONITOR[INFO,MMAP,RW,STATUS]} or {@code [MMAP,STATUS]}. */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (PcmPermission p : groups()) {
            names.add(p.name());
        }
        Preset preset = preset();
        return (preset == null ? "" : preset.name()) + "[" + String.join(",", names) + "]";
    }
}
