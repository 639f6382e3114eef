package pcmshare.core.api.memory;

/**
 * The one allocator of buffer memory, registered as an OSGi service by the core.
 */
public interface MemoryAllocator {

    /**
     * Allocates zero-filled shared memory with one reference held by the caller.
     *
     * @param name     for diagnostics (memfd name), at most 249 bytes as memfd allows
     * @param byteSize positive size in bytes
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for a bad name or size, ENOMEM when it cannot be had
     */
    SharedMemory allocate(String name, long byteSize);
}
