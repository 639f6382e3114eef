package pcmshare.core.api.impl.memory;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;

/** Chooses the allocator for this platform. */
public final class Allocators {
    private Allocators() {
    }

    /** The allocator pcmshare uses on this system. */
    public static MemoryAllocator platform() {
        return offHeap();
    }

    /** Plain off-heap memory, available everywhere. */
    public static MemoryAllocator offHeap() {
        return Allocators::allocateOffHeap;
    }

    private static SharedMemory allocateOffHeap(String name, long byteSize) {
        if (name == null) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, null, "name is null");
        }
        if (byteSize <= 0) {
            throw new ErrnoException(Errno.EINVAL, "allocate", null, byteSize, "size must be positive");
        }
        return new OffHeapMemory(name, byteSize);
    }
}
