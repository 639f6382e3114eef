package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import pcmshare.core.api.memory.MemfdMapping;

/** A validated container and what it must release: the read-only mapping or the private copy. */
final class CheckedContainer implements ValidatedContainer {
    private final boolean inPlace;
    private final MemfdMapping mapping;
    private final Arena copy;
    private final long format;
    private final MemorySegment payload;
    private final List<ContainerEntry> entries;

    CheckedContainer(boolean inPlace, MemfdMapping mapping, Arena copy, long format, MemorySegment payload,
            List<ContainerEntry> entries) {
        this.inPlace = inPlace;
        this.mapping = mapping;
        this.copy = copy;
        this.format = format;
        this.payload = payload;
        this.entries = entries;
    }

    /** True when the sealed memory is used in place, false when the bytes were copied first. */
    @Override
    public boolean inPlace() {
        return inPlace;
    }

    /** The generic container's format. */
    @Override
    public long format() {
        return format;
    }

    /** The generic container's payload, read-only. */
    @Override
    public MemorySegment payload() {
        return payload;
    }

    /** The entries when the format is {@link ContainerFormat#NESTING}, else empty. */
    @Override
    public List<ContainerEntry> entries() {
        return entries;
    }

    @Override
    public synchronized void close() {
        if (mapping != null) {
            mapping.close();
        } else if (copy != null && copy.scope().isAlive()) {
            copy.close();
        }
    }
}
