package pcmshare.core.api.pcm;

import pcmshare.core.api.memory.SharedMemory;

/**
 * A mapping of a substream's ring buffer (ALSA's mmap of the data area). While
 * any mapping is open, hardware parameters cannot change (EBADFD). The memory
 * stays valid until the mapping is closed, even if the substream is closed or
 * its card goes away meanwhile.
 */
public interface PcmMapping extends AutoCloseable {

    /** The ring buffer memory; this mapping holds one reference on it. */
    SharedMemory memory();

    /** Unmaps: releases the reference. Idempotent. */
    @Override
    void close();
}
