package pcmshare.core.api.sharing.dmabuf;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A mapping of a dma-buf's data, from {@link DmaBuf#mmap(int)} or
 * {@link DmaBufAttachment#map(int)}. Closing it unmaps; {@link #segment()} is then
 * EBADF. A segment already obtained stays memory-safe: the memory behind it is
 * freed only with the last reference on the buffer, after which FFM refuses it
 * with {@link IllegalStateException}.
 */
@ProviderType
public interface DmaBufMapping extends AutoCloseable {

    /** The data; read-only unless mapped with {@link DmaBuf#SYNC_WRITE}. */
    MemorySegment segment();

    /** The flags it was mapped with. */
    int flags();

    /** Whether still mapped. */
    boolean isMapped();

    /** Unmaps; idempotent. */
    @Override
    void close();
}
