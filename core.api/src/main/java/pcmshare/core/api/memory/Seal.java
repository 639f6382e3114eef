package pcmshare.core.api.memory;

import java.util.EnumSet;
import java.util.Set;

/**
 * The file seals of fcntl(2) {@code F_ADD_SEALS}, with the kernel's bit values.
 * Seals are only ever added, never removed, and act on the memory itself, so every
 * handle on the same memory sees them.
 */
public enum Seal {
    /** F_SEAL_SEAL: no further seal may be added (EPERM). */
    SEAL(0x0001),
    /** F_SEAL_SHRINK: the size may not decrease (EPERM). */
    SHRINK(0x0002),
    /** F_SEAL_GROW: the size may not increase, neither by resize nor by writing past the end (EPERM). */
    GROW(0x0004),
    /**
     * F_SEAL_WRITE: the content may not change. Refused with EBUSY while a writable
     * shared mapping exists; afterwards writes and writable mappings fail with EPERM.
     */
    WRITE(0x0008),
    /**
     * F_SEAL_FUTURE_WRITE: new writes and new writable mappings fail with EPERM, but
     * writable mappings made before the seal keep working.
     */
    FUTURE_WRITE(0x0010),
    /**
     * F_SEAL_EXEC: the exec bits of the file mode may not change. Memory made by
     * {@link MemfdFactory} is executable (as memfd_create without MFD_NOEXEC_SEAL), so
     * adding this seal also adds SHRINK, GROW, WRITE and FUTURE_WRITE, as the kernel
     * does ("W^X from the start").
     */
    EXEC(0x0020);

    /** Every seal bit the kernel knows; anything else is EINVAL. */
    public static final int ALL_BITS = 0x003f;

    private final int bit;

    Seal(int bit) {
        this.bit = bit;
    }

    /** The kernel's F_SEAL_* value. */
    public int bit() {
        return bit;
    }

    /** The seals in a kernel bit mask; unknown bits are ignored. */
    public static Set<Seal> fromBits(int bits) {
        EnumSet<Seal> set = EnumSet.noneOf(Seal.class);
        for (Seal s : values()) {
            if ((bits & s.bit) != 0) {
                set.add(s);
            }
        }
        return set;
    }

    /** The kernel bit mask of some seals. */
    public static int toBits(Set<Seal> seals) {
        int bits = 0;
        for (Seal s : seals) {
            bits |= s.bit;
        }
        return bits;
    }
}
