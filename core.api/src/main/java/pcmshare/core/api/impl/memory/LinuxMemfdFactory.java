package pcmshare.core.api.impl.memory;

import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;

/** Real memfds through FFM. */
final class LinuxMemfdFactory implements MemfdFactory {

    @Override
    public Memfd create(String name, int flags) {
        // What the kernel refuses (NULL or over-long names, unknown flags) is left to the
        // kernel, so that its errno is what callers see; pcmshare adds only its own limits.
        if (name != null && name.indexOf('\0') >= 0) {
            MemfdRules.checkName(name);
        }
        if (!MemfdRules.kernelRefuses(flags)) {
            MemfdRules.checkFlags(flags);
        }
        int fd = LinuxSyscalls.memfdCreate(name, flags);
        return new LinuxMemfd(name, fd, Access.READ_WRITE);
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public String toString() {
        return "LinuxMemfdFactory";
    }
}
