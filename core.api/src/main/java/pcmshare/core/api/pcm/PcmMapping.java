package pcmshare.core.api.pcm;

import pcmshare.core.api.memory.SharedMemory;

/**
 * A mapping of a substream's ring buffer (ALSA's mmap of the data area). While
 * any mapping is open, hardware parameters cannot change (EBADFD). The memory
 * stays valid until the mapping is closed, even if the substream is closed or
 * its card goes away meanwhile.
 */
public interface PcmMapping extends AutoCloseable {

    /**
     * This mapping's own handle on the ring buffer memory: it holds one reference, which
     * {@link #close()} (or releasing the handle) drops; it cannot drop anyone else's, and
     * its memfd, if any, cannot resize or reseal the ring.
     */
    SharedMemory memory();

    /** Unmaps: releases the reference. Idempotent. */
    @Override
    void close();
}
