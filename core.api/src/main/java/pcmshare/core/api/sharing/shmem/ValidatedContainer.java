package pcmshare.core.api.sharing.shmem;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A container that passed validation, over memory nobody can change any more:
 * either the sealed memory itself, mapped read-only, or the reader's private
 * copy. Its segments are valid until {@link #close()}, on the thread that read it.
 */
public interface ValidatedContainer extends AutoCloseable {

    /** True when the sealed memory is used in place, false when the bytes were copied first. */
    boolean inPlace();

    /** The generic container's format. */
    long format();

    /** The generic container's payload, read-only. */
    MemorySegment payload();

    /** The entries when the format is {@link ContainerFormat#NESTING}, else empty. */
    List<ContainerEntry> entries();

    /** Unmaps the memory or frees the copy. */
    @Override
    void close();
}
