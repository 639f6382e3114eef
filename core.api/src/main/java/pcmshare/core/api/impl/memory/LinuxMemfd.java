package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/** A kernel memfd: every rule is enforced by the kernel itself; this class only translates. */
final class LinuxMemfd implements Memfd {
    private final String name;
    private final int fd;
    private final Access access;
    private final AtomicBoolean closed = new AtomicBoolean();

    LinuxMemfd(String name, int fd, Access access) {
        this.name = name;
        this.fd = fd;
        this.access = access;
    }

    private int fd(String operation) {
        if (closed.get()) {
            throw MemfdRules.closed(operation, name);
        }
        return fd;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public long size() {
        return LinuxSyscalls.size(fd("size"), name);
    }

    @Override
    public void resize(long newSize) {
        LinuxSyscalls.ftruncate(fd("ftruncate"), newSize, name);
    }

    @Override
    public void addSeals(Set<Seal> seals) {
        addSeals(Seal.toBits(seals));
    }

    @Override
    public void addSeals(int sealBits) {
        try {
            LinuxSyscalls.fcntl(fd("F_ADD_SEALS"), LinuxSyscalls.F_ADD_SEALS, sealBits, "F_ADD_SEALS", null,
                    Seal.fromBits(sealBits));
        } catch (ErrnoException e) {
            // name the seals already there, as the state the call was refused in
            throw new ErrnoException(e.errno(), e.operation(), Seal.fromBits(sealBitsOrZero()), e.value(),
                    e.errno() == Errno.EBUSY ? "a writable shared mapping exists" : null);
        }
    }

    private int sealBitsOrZero() {
        try {
            return sealBits();
        } catch (ErrnoException e) {
            return 0;
        }
    }

    @Override
    public Set<Seal> seals() {
        return Seal.fromBits(sealBits());
    }

    @Override
    public int sealBits() {
        return LinuxSyscalls.fcntl(fd("F_GET_SEALS"), LinuxSyscalls.F_GET_SEALS, 0, "F_GET_SEALS", name, null);
    }

    @Override
    public MemfdMapping map(Access mapAccess) {
        return map(mapAccess, Arena.ofShared());
    }

    @Override
    public MemfdMapping mapConfined(Access mapAccess) {
        return map(mapAccess, Arena.ofConfined());
    }

    private MemfdMapping map(Access mapAccess, Arena arena) {
        int f = fd("mmap");
        long size = LinuxSyscalls.size(f, name);
        if (size <= 0) {
            throw new ErrnoException(Errno.EINVAL, "mmap", name, size, "nothing to map: size is 0");
        }
        int prot = mapAccess.writable() ? LinuxSyscalls.PROT_READ | LinuxSyscalls.PROT_WRITE
                : LinuxSyscalls.PROT_READ;
        long address = LinuxSyscalls.mmapShared(f, size, prot, name);
        return new LinuxMapping(arena, address, size, mapAccess);
    }

    @Override
    public long write(long offset, MemorySegment src) {
        int f = fd("pwrite");
        if (src.isNative()) {
            return LinuxSyscalls.pwrite(f, src, offset, name);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(src.byteSize());
            copy.copyFrom(src);
            return LinuxSyscalls.pwrite(f, copy, offset, name);
        }
    }

    @Override
    public long read(long offset, MemorySegment dst) {
        int f = fd("pread");
        if (dst.isReadOnly()) {
            throw new ErrnoException(Errno.EFAULT, "pread", name, offset, "destination is read-only");
        }
        if (dst.isNative()) {
            return LinuxSyscalls.pread(f, dst, offset, name);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(dst.byteSize());
            long n = LinuxSyscalls.pread(f, tmp, offset, name);
            MemorySegment.copy(tmp, 0, dst, 0, n);
            return n;
        }
    }

    @Override
    public Memfd dup() {
        int copy = LinuxSyscalls.fcntl(fd("dup"), LinuxSyscalls.F_DUPFD_CLOEXEC, 0, "dup", name, fd);
        return new LinuxMemfd(name, copy, access);
    }

    @Override
    public Memfd reopen(Access newAccess) {
        Objects.requireNonNull(newAccess, "access");
        int f = fd("open");
        int flags = (newAccess.writable() ? LinuxSyscalls.O_RDWR : LinuxSyscalls.O_RDONLY) | LinuxSyscalls.O_CLOEXEC;
        int opened = LinuxSyscalls.open("/proc/self/fd/" + f, flags, name);
        return new LinuxMemfd(name, opened, newAccess);
    }

    @Override
    public OptionalInt fd() {
        return closed.get() ? OptionalInt.empty() : OptionalInt.of(fd);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LinuxSyscalls.close(fd);
        }
    }

    @Override
    public String toString() {
        return "memfd:" + name + "[fd " + fd + ", " + access + (closed.get() ? ", closed]" : "]");
    }

    /** A MAP_SHARED region; the arena's close runs munmap exactly once. */
    static final class LinuxMapping implements MemfdMapping {
        private final Arena arena;
        private final MemorySegment segment;
        private final Access access;

        LinuxMapping(Arena arena, long address, long size, Access access) {
            this.arena = arena;
            MemorySegment mapped = MemorySegment.ofAddress(address).reinterpret(size, arena,
                    s -> LinuxSyscalls.munmap(address, size));
            this.segment = access.writable() ? mapped : mapped.asReadOnly();
            this.access = access;
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public Access access() {
            return access;
        }

        @Override
        public synchronized void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }
}
