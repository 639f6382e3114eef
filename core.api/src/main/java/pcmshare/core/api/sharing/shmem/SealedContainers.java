package pcmshare.core.api.sharing.shmem;

import java.lang.foreign.MemorySegment;
import java.util.List;

import pcmshare.core.api.memory.Memfd;

/**
 * Writes and reads sealed metadata containers; registered by the shmem backend
 * beside its {@code BufferExporter}, which hands the sealed memory over.
 */
public interface SealedContainers {

    /**
     * A generic container holding {@code payload}, filled and then sealed with
     * WRITE, SHRINK and GROW; the caller owns the returned handle.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for an invalid format or a
     *         payload too large for a u32 size
     */
    Memfd writeGeneric(String name, long format, MemorySegment payload);

    /** A sealed generic container of format {@link ContainerFormat#NESTING} holding {@code entries}. */
    Memfd writeNesting(String name, List<ContainerEntry> entries);

    /** {@link #read(Memfd, FormatPolicy)} accepting every valid format. */
    default ValidatedContainer read(Memfd memory) {
        return read(memory, FormatPolicy.any());
    }

    /**
     * Validates the container in {@code memory}: in place when it carries at least
     * the WRITE and SHRINK seals, else on a private copy taken first.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL naming the field and the
     *         value that made the container invalid
     */
    ValidatedContainer read(Memfd memory, FormatPolicy formats);
}
