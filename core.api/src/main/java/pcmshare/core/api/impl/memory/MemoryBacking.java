package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.memory.SharedMemory;

/**
 * One allocation of buffer memory and the count of its holders (the kernel's page
 * references behind every mapping). Nobody outside this package sees it: each holder
 * gets a {@link MemoryHandle} of its own, which holds exactly one reference. The
 * last reference dropped unmaps and frees the memory, once.
 */
final class MemoryBacking {
    /** The seals memory carries before anyone but its owner can see it: its size is fixed. */
    static final EnumSet<Seal> FIXED_SIZE = EnumSet.of(Seal.SHRINK, Seal.GROW);

    final String name;
    final MemorySegment segment;
    /** The memfd, or null for plain off-heap memory; owned here, closed with the last reference. */
    final Memfd memfd;
    private final AutoCloseable unmap;
    private final AtomicInteger refs = new AtomicInteger(1);

    private MemoryBacking(String name, MemorySegment segment, Memfd memfd, AutoCloseable unmap) {
        this.name = name;
        this.segment = segment;
        this.memfd = memfd;
        this.unmap = unmap;
        LiveMemory.allocated(segment.byteSize());
    }

    static SharedMemory offHeap(String name, long byteSize) {
        checkArguments(name, byteSize);
        Arena arena = Arena.ofShared();
        return MemoryHandle.owner(new MemoryBacking(name, arena.allocate(byteSize, 64), null, arena));
    }

    /**
     * Memory from a memfd, sealed against shrinking and growing before it is mapped: a
     * ring's size never changes, and whoever is handed the memfd later (an importer,
     * another process) can then never shrink it under a mapping, as udmabuf requires.
     */
    static SharedMemory memfd(MemfdFactory factory, String name, long byteSize) {
        checkArguments(name, byteSize);
        Memfd memfd = factory.create(name, MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        try {
            memfd.resize(byteSize);
            memfd.addSeals(FIXED_SIZE);
            MemfdMapping mapping = memfd.map(Access.READ_WRITE);
            return MemoryHandle.owner(new MemoryBacking(memfd.name(), mapping.segment(), memfd, mapping));
        } catch (RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    private static void checkArguments(String name, long byteSize) {
        if (name == null) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, null, "name is null");
        }
        if (byteSize <= 0) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, byteSize, "size must be positive");
        }
    }

    long byteSize() {
        return segment.byteSize();
    }

    /** One more reference for a new holder; EBADF once freed. */
    void retain(String operation) {
        int n;
        do {
            n = refs.get();
            if (n == 0) {
                throw new ErrnoException(Errno.EBADF, operation, "freed", name,
                        "memory was already released by its last holder");
            }
        } while (!refs.compareAndSet(n, n + 1));
    }

    /** Called once per reference, by the handle that held it. */
    void release() {
        if (refs.decrementAndGet() == 0) {
            LiveMemory.freed(segment.byteSize());
            try {
                unmap.close();
            } catch (Exception e) {
                throw new IllegalStateException("unmapping " + name + " failed", e);
            } finally {
                if (memfd != null) {
                    memfd.close();
                }
            }
        }
    }

    int refCount() {
        return refs.get();
    }

    @Override
    public String toString() {
        return (memfd != null ? memfd.toString() : "off-heap:" + name) + "[" + byteSize() + " B, refs=" + refs.get()
                + "]";
    }
}
