package pcmshare.core.api.impl.memory;

import java.nio.charset.StandardCharsets;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.MemfdFactory;

/** The argument rules both memfd implementations share. */
final class MemfdRules {
    /** Every flag memfd_create(2) knows: CLOEXEC, ALLOW_SEALING, HUGETLB, NOEXEC_SEAL, EXEC. */
    static final int KERNEL_FLAGS = 0x1f;
    static final int KERNEL_HUGE_FLAGS = 0x3f << 26;
    static final int SUPPORTED_FLAGS = MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING;
    static final long PAGE_SIZE = 4096;

    private MemfdRules() {
    }

    /** Whether the kernel itself would refuse these flags (so it may judge them itself). */
    static boolean kernelRefuses(int flags) {
        boolean huge = (flags & 0x4) != 0;
        int allowed = huge ? KERNEL_FLAGS | KERNEL_HUGE_FLAGS : KERNEL_FLAGS;
        return (flags & ~allowed) != 0 || (flags & 0x18) == 0x18;
    }

    static void checkFlags(int flags) {
        if ((flags & ~SUPPORTED_FLAGS) != 0) {
            throw new ErrnoException(Errno.EINVAL, "memfd_create", null, "0x" + Integer.toHexString(flags),
                    "flags other than MFD_CLOEXEC and MFD_ALLOW_SEALING are not supported");
        }
    }

    /** Checks a name that the kernel would accept or that only pcmshare refuses (NUL). */
    static void checkName(String name) {
        if (name == null) {
            throw new ErrnoException(Errno.EFAULT, "memfd_create", null, "NULL", "name is a null pointer");
        }
        if (name.indexOf('\0') >= 0) {
            // C would silently cut the name at the NUL; say so instead.
            throw new ErrnoException(Errno.EINVAL, "memfd_create", null, name.replace("\0", "\\0"),
                    "name contains NUL at index " + name.indexOf('\0'));
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MemfdFactory.NAME_MAX_BYTES) {
            throw new ErrnoException(Errno.EINVAL, "memfd_create", null, bytes + " bytes",
                    "name longer than " + MemfdFactory.NAME_MAX_BYTES + " bytes");
        }
    }

    static ErrnoException closed(String operation, String name) {
        return new ErrnoException(Errno.EBADF, operation, "closed", name, "handle is closed");
    }
}
