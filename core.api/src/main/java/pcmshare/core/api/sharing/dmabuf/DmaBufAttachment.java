package pcmshare.core.api.sharing.dmabuf;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An importer attached to a dma-buf (struct dma_buf_attachment). Closing it
 * detaches (dma_buf_detach), unmapping what it still has mapped; every call on a
 * detached attachment is EBADF.
 */
@ProviderType
public interface DmaBufAttachment extends AutoCloseable {

    /** Who attached. */
    String importer();

    /**
     * Maps the buffer for the importer's device (dma_buf_map_attachment):
     * {@link DmaBuf#SYNC_READ} for a device that reads it (DMA_TO_DEVICE),
     * {@link DmaBuf#SYNC_WRITE} for one that writes it (DMA_FROM_DEVICE),
     * {@link DmaBuf#SYNC_RW} for both (DMA_BIDIRECTIONAL).
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for other or no
     *         flags, EBADF when detached
     */
    DmaBufMapping map(int flags);

    /** The mappings made through this attachment and not yet unmapped. */
    List<DmaBufMapping> mappings();

    /** Whether still attached. */
    boolean isAttached();

    /** Detaches; idempotent. */
    @Override
    void close();
}
