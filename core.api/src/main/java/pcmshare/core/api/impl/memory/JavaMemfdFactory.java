package pcmshare.core.api.impl.memory;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;

/** Pure-Java sealable memory with the kernel's rules, for systems without memfd. */
final class JavaMemfdFactory implements MemfdFactory {

    @Override
    public Memfd create(String name, int flags) {
        MemfdRules.checkName(name);
        if (MemfdRules.kernelRefuses(flags)) {
            throw new ErrnoException(Errno.EINVAL, "memfd_create",
                    null, "0x" + Integer.toHexString(flags), "unknown memfd flags");
        }
        MemfdRules.checkFlags(flags);
        return new JavaMemfd(new JavaMemory(name, (flags & MFD_ALLOW_SEALING) != 0), Access.READ_WRITE);
    }

    @Override
    public boolean isNative() {
        return false;
    }

    @Override
    public String toString() {
        return "JavaMemfdFactory";
    }
}
