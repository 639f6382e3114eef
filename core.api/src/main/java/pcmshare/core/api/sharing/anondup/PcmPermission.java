package pcmshare.core.api.sharing.anondup;

import java.util.Locale;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * A group of substream operations a restricted handle may be allowed. Each
 * operation of {@link pcmshare.core.api.pcm.PcmSubstream} belongs to exactly one
 * group, except {@code dup()} and {@code close()}, which every live handle may call
 * (a dup never has more permissions than its parent).
 */
public enum PcmPermission {
    /** Identity and configuration read-out: card, device, direction, constraints, hw/sw params, blocking mode. */
    INFO,
    /** Map the data area of the ring buffer (mmap). */
    MMAP,
    /** Transfer frames: read, write, mmap_begin/mmap_commit, wait for room or data (poll). */
    RW,
    /** Status and position: state, status, avail, delay, hwsync. */
    STATUS,
    /** Change the setup: hw_params, hw_free, sw_params, non-blocking mode of the substream. */
    PARAMS,
    /** Drive the stream: prepare, start, drop, drain, pause. */
    TRIGGER,
    /** Move the application pointer by hand: rewind, forward, reset. */
    POINTER,
    /** Power management: suspend, resume. */
    POWER,
    /** Link the substream with others (snd_pcm_link / unlink). */
    LINK;

    /** This group's bit in {@link PcmPermissions#bits()}. */
    public int bit() {
        return 1 << ordinal();
    }

    /** Every known bit. */
    public static final int ALL_BITS = (1 << values().length) - 1;

    /**
     * The group named {@code name}, in any case.
     *
     * @throws ErrnoException EINVAL for a name that is no group
     */
    public static PcmPermission named(String name) {
        if (name != null) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            for (PcmPermission p : values()) {
                if (p.name().equals(n)) {
                    return p;
                }
            }
        }
        throw new ErrnoException(Errno.EINVAL, "permission", null, name,
                "unknown permission group; known: "
                        + java.util.Arrays.stream(values()).map(PcmPermission::name).sorted().toList());
    }
}
