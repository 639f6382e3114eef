package pcmshare.core.api.impl.memory;

import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;

/** Chooses the allocator and the memfd implementation for this platform. */
public final class Allocators {
    private static final MemfdFactory LINUX = LinuxSyscalls.available() ? new LinuxMemfdFactory() : null;
    private static final MemfdFactory JAVA = new JavaMemfdFactory();

    private Allocators() {
    }

    /** The allocator pcmshare uses on this system: memfd-backed on Linux, off-heap elsewhere. */
    public static MemoryAllocator platform() {
        return LINUX != null ? memfd(LINUX) : offHeap();
    }

    /** Plain off-heap memory, available everywhere. */
    public static MemoryAllocator offHeap() {
        return Allocators::allocateOffHeap;
    }

    /** Memory from memfds made by this factory, mapped shared. */
    public static MemoryAllocator memfd(MemfdFactory factory) {
        return (name, byteSize) -> MemoryBacking.memfd(factory, name, byteSize);
    }

    /** Kernel memfds on Linux, pure-Java sealable memory elsewhere. */
    public static MemfdFactory memfdFactory() {
        return LINUX != null ? LINUX : JAVA;
    }

    /** Kernel memfds, or null when this JVM cannot make them. */
    public static MemfdFactory linuxMemfdFactory() {
        return LINUX;
    }

    /** The pure-Java sealable memory, available everywhere. */
    public static MemfdFactory javaMemfdFactory() {
        return JAVA;
    }

    private static SharedMemory allocateOffHeap(String name, long byteSize) {
        return MemoryBacking.offHeap(name, byteSize);
    }
}
