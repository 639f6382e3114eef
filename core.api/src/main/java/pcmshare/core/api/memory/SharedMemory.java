package pcmshare.core.api.memory;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * One holder's handle on a piece of reference-counted shared memory. Every holder has
 * a handle of its own, holding exactly one reference: the allocator returns the
 * owner's, {@link #retain()} makes one for each further holder. Whoever holds a handle
 * may use its {@link #segment()} until it calls {@link #release()}; releasing ends that
 * handle's segment and drops its one reference, a second release does nothing, and no
 * holder can release a reference that is not its own. The memory is unmapped and freed
 * exactly once, when the last handle is released, whatever happened meanwhile to the
 * substream, exporter or bundle that made it.
 *
 * <p>Memory the allocator makes from a memfd carries {@link Seal#SHRINK} and
 * {@link Seal#GROW} from the start: its size never changes, so nobody it is handed to,
 * in this process or another, can shrink it under a mapping.
 */
public interface SharedMemory {

    /** A name for diagnostics (the memfd name on Linux). */
    String name();

    /** Size in bytes. */
    long byteSize();

    /**
     * This handle's view of the memory. Valid until this handle is released; using it
     * afterwards fails with {@link IllegalStateException} from FFM rather than reading
     * memory that may be freed. Other handles' views are not affected.
     */
    MemorySegment segment();

    /**
     * A new handle for another holder, holding one more reference of its own.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EBADF when this handle was released
     */
    SharedMemory retain();

    /** Drops this handle's reference; frees the memory when it was the last. Idempotent. */
    void release();

    /** The number of handles holding the memory right now (0 once freed). */
    int refCount();

    /**
     * The memfd behind this memory, when it has one (Linux), so that it can be handed on.
     * For the owner's handle it is the memfd itself, owned by the memory: {@link Memfd#dup()}
     * it to keep it beyond the last {@link #release()}. Any other holder gets a view that
     * reads, writes, maps and passes the memory on, but refuses resizing and sealing with
     * EPERM: only the owner decides what the memory may become. Empty once this handle
     * is released.
     */
    default Optional<Memfd> memfd() {
        return Optional.empty();
    }
}
