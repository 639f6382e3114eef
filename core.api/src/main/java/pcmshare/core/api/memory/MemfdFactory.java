package pcmshare.core.api.memory;

/**
 * Makes sealable shared memory; registered as an OSGi service by the core. On Linux
 * it makes real memfds, elsewhere pure-Java memory with the same rules.
 */
public interface MemfdFactory {

    /** MFD_CLOEXEC: the descriptor is closed across exec. */
    int MFD_CLOEXEC = 0x0001;
    /** MFD_ALLOW_SEALING: seals may be added; without it the memory carries {@link Seal#SEAL} from birth. */
    int MFD_ALLOW_SEALING = 0x0002;

    /** The longest name memfd_create(2) accepts, in UTF-8 bytes (NAME_MAX minus "memfd:"). */
    int NAME_MAX_BYTES = 249;

    /**
     * memfd_create(2): new, empty memory.
     *
     * @param name  for diagnostics; at most {@link #NAME_MAX_BYTES} UTF-8 bytes, no NUL
     *              (EINVAL); null is EFAULT as in the kernel
     * @param flags {@link #MFD_CLOEXEC} and {@link #MFD_ALLOW_SEALING}; any other bit is
     *              EINVAL
     */
    Memfd create(String name, int flags);

    /** Whether this factory makes kernel memfds (true) or pure-Java memory (false). */
    boolean isNative();
}
