package pcmshare.core.api.memory;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A piece of shared memory with a reference count. Whoever holds it may use
 * {@link #segment()} until it calls {@link #release()}; the memory is unmapped
 * and freed exactly once, when the last holder releases it, whatever happened
 * meanwhile to the substream, exporter or bundle that made it.
 */
public interface SharedMemory {

    /** A name for diagnostics (the memfd name on Linux). */
    String name();

    /** Size in bytes. */
    long byteSize();

    /**
     * The mapped memory. Valid while the caller holds a reference; using it after
     * the last release fails with {@link IllegalStateException} from FFM rather
     * than reading freed memory.
     */
    MemorySegment segment();

    /** Takes one more reference; returns this. EBADF when already freed. */
    SharedMemory retain();

    /** Drops one reference; frees the memory when it was the last. EBADF when already freed. */
    void release();

    /** The number of holders right now (0 once freed). */
    int refCount();

    /**
     * The memfd behind this memory, when it has one (Linux), so that it can be sealed
     * or handed on; the handle stays owned by this memory: {@link Memfd#dup()} it to
     * keep it beyond the last {@link #release()}.
     */
    default Optional<Memfd> memfd() {
        return Optional.empty();
    }
}
