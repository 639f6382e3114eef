package pcmshare.core.api.memory;

import java.lang.foreign.MemorySegment;

/**
 * A shared mapping (MAP_SHARED) of a {@link Memfd}, of the size the memory had
 * when it was mapped. It stays valid after every handle on the memory is closed,
 * until {@link #close()} unmaps it; the segment then fails with
 * {@link IllegalStateException} instead of touching unmapped memory.
 */
public interface MemfdMapping extends AutoCloseable {

    /** The mapped bytes; read-only when the mapping was made {@link Access#READ_ONLY}. */
    MemorySegment segment();

    Access access();

    /** Unmaps; idempotent. */
    @Override
    void close();
}
