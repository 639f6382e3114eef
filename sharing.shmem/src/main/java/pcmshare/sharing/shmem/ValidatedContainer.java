package pcmshare.sharing.shmem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import pcmshare.core.api.memory.MemfdMapping;

/**
 * A container that passed validation, over memory nobody can change any more:
 * either the sealed memory itself, mapped read-only, or the reader's private copy.
 * Its segments are valid until {@link #close()}, on the thread that read it.
 */
public final class ValidatedContainer implements AutoCloseable {
    private final boolean inPlace;
    private final MemfdMapping mapping;
    private final Arena copy;
    private final long format;
    private final MemorySegment payload;
    private final List<ContainerLayout.Entry> entries;

    ValidatedContainer(boolean inPlace, MemfdMapping mapping, Arena copy, long format, MemorySegment payload,
            List<ContainerLayout.Entry> entries) {
        this.inPlace = inPlace;
        this.mapping = mapping;
        this.copy = copy;
        this.format = format;
        this.payload = payload;
        this.entries = entries;
    }

    /** True when the sealed memory is used in place, false when the bytes were copied first. */
    public boolean inPlace() {
        return inPlace;
    }

    /** The generic container's format. */
    public long format() {
        return format;
    }

    /** The generic container's payload, read-only. */
    public MemorySegment payload() {
        return payload;
    }

    /** The entries when the format is {@link ContainerFormat#NESTING}, else empty. */
    public List<ContainerLayout.Entry> entries() {
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
