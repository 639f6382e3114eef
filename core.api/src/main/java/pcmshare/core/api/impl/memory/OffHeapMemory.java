package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.SharedMemory;

/**
 * Plain off-heap shared memory for systems without memfd: same reference
 * counting and lifetime as the memfd-backed memory, but it cannot leave the JVM.
 */
final class OffHeapMemory implements SharedMemory {
    private final String name;
    private final Arena arena;
    private final MemorySegment segment;
    private final AtomicInteger refs = new AtomicInteger(1);

    OffHeapMemory(String name, long byteSize) {
        this.name = name;
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(byteSize, 64);
        LiveMemory.allocated(byteSize);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public SharedMemory retain() {
        int n;
        do {
            n = refs.get();
            if (n == 0) {
                throw new ErrnoException(Errno.EBADF, "retain", "freed", name, "memory was already released by its last holder");
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
                throw new ErrnoException(Errno.EBADF, "release", "freed", name, "memory was already released by its last holder");
            }
        } while (!refs.compareAndSet(n, n - 1));
        if (n == 1) {
            LiveMemory.freed(segment.byteSize());
            arena.close();
        }
    }

    @Override
    public int refCount() {
        return refs.get();
    }

    @Override
    public String toString() {
        return "OffHeapMemory[" + name + ", " + byteSize() + " B, refs=" + refs.get() + "]";
    }
}
