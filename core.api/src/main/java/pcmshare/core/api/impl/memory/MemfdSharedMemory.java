package pcmshare.core.api.impl.memory;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.SharedMemory;

/**
 * Buffer memory backed by a memfd and mapped shared, so that it can later be sealed
 * or handed to another process. The last release unmaps it and closes the handle.
 */
final class MemfdSharedMemory implements SharedMemory {
    private final Memfd memfd;
    private final MemfdMapping mapping;
    private final AtomicInteger refs = new AtomicInteger(1);

    MemfdSharedMemory(Memfd memfd, MemfdMapping mapping) {
        this.memfd = memfd;
        this.mapping = mapping;
        LiveMemory.allocated(mapping.segment().byteSize());
    }

    static SharedMemory allocate(MemfdFactory factory, String name, long byteSize) {
        if (name == null) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, null, "name is null");
        }
        if (byteSize <= 0) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, byteSize, "size must be positive");
        }
        Memfd memfd = factory.create(name, MemfdFactory.MFD_CLOEXEC
                | MemfdFactory.MFD_ALLOW_SEALING);
        try {
            memfd.resize(byteSize);
            return new MemfdSharedMemory(memfd, memfd.map(Access.READ_WRITE));
        } catch (RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return memfd.name();
    }

    @Override
    public long byteSize() {
        return mapping.segment().byteSize();
    }

    @Override
    public MemorySegment segment() {
        return mapping.segment();
    }

    @Override
    public SharedMemory retain() {
        int n;
        do {
            n = refs.get();
            if (n == 0) {
                throw new ErrnoException(Errno.EBADF, "retain", "freed", name(),
                        "memory was already released by its last holder");
            }
        } while (!refs.compareAndSet(n, n + 1));
        return this;
    }

    @Override
    public void release() {
        int n;
        do {
            n = refs.get();
            if (n == 0) {
                throw new ErrnoException(Errno.EBADF, "release", "freed", name(),
                        "memory was already released by its last holder");
            }
        } while (!refs.compareAndSet(n, n - 1));
        if (n == 1) {
            LiveMemory.freed(mapping.segment().byteSize());
            mapping.close();
            memfd.close();
        }
    }

    @Override
    public int refCount() {
        return refs.get();
    }

    @Override
    public Optional<Memfd> memfd() {
        return refs.get() == 0 ? Optional.empty() : Optional.of(memfd);
    }

    @Override
    public String toString() {
        return "MemfdSharedMemory[" + memfd + ", " + byteSize() + " B, refs=" + refs.get() + "]";
    }
}
