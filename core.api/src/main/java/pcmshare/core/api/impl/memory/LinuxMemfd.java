package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * A kernel memfd: every rule is enforced by the kernel itself; this class only
 * translates, with two additions the kernel leaves to its callers.
 *
 * <p>The descriptor is pinned for the whole of each call, as fdget/fdput pin a file
 * for a system call: a {@link #close()} that races a call only marks the handle
 * closed, and the last call in flight closes the descriptor. Without the pin, a
 * close between the "closed?" check and the system call, followed by any open that
 * reuses the number, would make the call resize, seal or dup another file.
 *
 * <p>Handles made by {@link #dup()} and {@link #reopen} share the memory's
 * {@link MappedExtents}, so no handle shrinks the memory under a mapping another
 * made (EBUSY instead of a SIGBUS for the mapping's readers).
 */
final class LinuxMemfd implements Memfd {
    /** Set in {@link #pins} once closed; the low bits count the calls in flight. */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final String name;
    private final int fd;
    private final Access access;
    private final MappedExtents extents;
    private final AtomicInteger pins = new AtomicInteger();

    LinuxMemfd(String name, int fd, Access access) {
        this(name, fd, access, new MappedExtents());
    }

    private LinuxMemfd(String name, int fd, Access access, MappedExtents extents) {
        this.name = name;
        this.fd = fd;
        this.access = access;
        this.extents = extents;
    }

    /** fdget: the descriptor stays this handle's file until {@link #unpin()}. */
    private int pin(String operation) {
        int n;
        do {
            n = pins.get();
            if (n < 0) {
                throw MemfdRules.closed(operation, name);
            }
        } while (!pins.compareAndSet(n, n + 1));
        return fd;
    }

    /** fdput: the last call of a closed handle closes the descriptor. */
    private void unpin() {
        if (pins.decrementAndGet() == CLOSED) {
            LinuxSyscalls.close(fd);
        }
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
        int f = pin("size");
        try {
            return LinuxSyscalls.size(f, name);
        } finally {
            unpin();
        }
    }

    @Override
    public void resize(long newSize) {
        int f = pin("ftruncate");
        try {
            synchronized (extents) {
                // a memory sealed against shrinking is the kernel's EPERM, as it always was
                if (extents.wouldCut(newSize) && (sealBitsOrZero(f) & Seal.SHRINK.bit()) == 0) {
                    extents.checkShrink(name, newSize);
                }
                LinuxSyscalls.ftruncate(f, newSize, name);
            }
        } finally {
            unpin();
        }
    }

    @Override
    public void addSeals(Set<Seal> seals) {
        addSeals(Seal.toBits(seals));
    }

    @Override
    public void addSeals(int sealBits) {
        int f = pin("F_ADD_SEALS");
        try {
            LinuxSyscalls.fcntl(f, LinuxSyscalls.F_ADD_SEALS, sealBits, "F_ADD_SEALS", null, Seal.fromBits(sealBits));
        } catch (ErrnoException e) {
            // name the seals already there, as the state the call was refused in
            throw new ErrnoException(e.errno(), e.operation(), Seal.fromBits(sealBitsOrZero(f)), e.value(),
                    e.errno() == Errno.EBUSY ? "a writable shared mapping exists" : null);
        } finally {
            unpin();
        }
    }

    private int sealBitsOrZero(int f) {
        try {
            return LinuxSyscalls.fcntl(f, LinuxSyscalls.F_GET_SEALS, 0, "F_GET_SEALS", name, null);
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
        int f = pin("F_GET_SEALS");
        try {
            return LinuxSyscalls.fcntl(f, LinuxSyscalls.F_GET_SEALS, 0, "F_GET_SEALS", name, null);
        } finally {
            unpin();
        }
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
        int f;
        try {
            f = pin("mmap");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        try {
            // the size read and the mapping made under one lock: no shrink of ours between them
            synchronized (extents) {
                long size = LinuxSyscalls.size(f, name);
                if (size <= 0) {
                    throw new ErrnoException(Errno.EINVAL, "mmap", name, size, "nothing to map: size is 0");
                }
                int prot = mapAccess.writable() ? LinuxSyscalls.PROT_READ | LinuxSyscalls.PROT_WRITE
                        : LinuxSyscalls.PROT_READ;
                long address = LinuxSyscalls.mmapShared(f, size, prot, name);
                extents.mapped(size);
                return new LinuxMapping(arena, address, size, mapAccess, extents);
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } finally {
            unpin();
        }
    }

    @Override
    public long write(long offset, MemorySegment src) {
        int f = pin("pwrite");
        try {
            if (src.isNative()) {
                return LinuxSyscalls.pwrite(f, src, offset, name);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocate(src.byteSize());
                copy.copyFrom(src);
                return LinuxSyscalls.pwrite(f, copy, offset, name);
            }
        } finally {
            unpin();
        }
    }

    @Override
    public long read(long offset, MemorySegment dst) {
        int f = pin("pread");
        try {
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
        } finally {
            unpin();
        }
    }

    @Override
    public Memfd dup() {
        int f = pin("dup");
        try {
            int copy = LinuxSyscalls.fcntl(f, LinuxSyscalls.F_DUPFD_CLOEXEC, 0, "dup", name, f);
            return new LinuxMemfd(name, copy, access, extents);
        } finally {
            unpin();
        }
    }

    @Override
    public Memfd reopen(Access newAccess) {
        Objects.requireNonNull(newAccess, "access");
        int f = pin("open");
        try {
            int flags = (newAccess.writable() ? LinuxSyscalls.O_RDWR : LinuxSyscalls.O_RDONLY)
                    | LinuxSyscalls.O_CLOEXEC;
            int opened = LinuxSyscalls.open("/proc/self/fd/" + f, flags, name);
            return new LinuxMemfd(name, opened, newAccess, extents);
        } finally {
            unpin();
        }
    }

    /** The number, unpinned: whoever uses it outside this class must keep the handle open meanwhile. */
    @Override
    public OptionalInt fd() {
        return pins.get() < 0 ? OptionalInt.empty() : OptionalInt.of(fd);
    }

    @Override
    public void close() {
        int n;
        do {
            n = pins.get();
            if (n < 0) {
                return;
            }
        } while (!pins.compareAndSet(n, n | CLOSED));
        if (n == 0) {
            LinuxSyscalls.close(fd);
        }
    }

    @Override
    public String toString() {
        return "memfd:" + name + "[fd " + fd + ", " + access + (pins.get() < 0 ? ", closed]" : "]");
    }

    /** A MAP_SHARED region; the arena's close runs munmap exactly once. */
    static final class LinuxMapping implements MemfdMapping {
        private final Arena arena;
        private final MemorySegment segment;
        private final Access access;
        private final MappedExtents extents;
        private final long size;

        LinuxMapping(Arena arena, long address, long size, Access access, MappedExtents extents) {
            this.arena = arena;
            this.size = size;
            this.extents = extents;
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
                synchronized (extents) {
                    extents.unmapped(size);
                }
            }
        }
    }
}
