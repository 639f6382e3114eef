package pcmshare.core.api.impl.memory;

import org.osgi.service.component.annotations.Component;

import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;

/** The one buffer allocator, as a service: memfd-backed on Linux, off-heap elsewhere. */
@Component(service = MemoryAllocator.class)
public final class MemoryAllocatorComponent implements MemoryAllocator {
    private final MemoryAllocator delegate = Allocators.platform();

    @Override
    public SharedMemory allocate(String name, long byteSize) {
        return delegate.allocate(name, byteSize);
    }
}
