package pcmshare.core.api.sharing.dmabuf;

import org.osgi.annotation.versioning.ProviderType;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;

/**
 * The {@code dmabuf} sharing backend, registered both as this and as a
 * {@link BufferExporter} with {@value BufferExporter#TYPE_PROPERTY}={@value #TYPE}.
 * {@link #importHandle} gives the importer a {@link DmaBuf} reference of its own.
 */
@ProviderType
public interface DmaBufExporter extends BufferExporter<DmaBufSource, DmaBuf> {
    /** The mechanism's name. */
    String TYPE = "dmabuf";

    /**
     * Exports a substream's ring buffer. The export holds a mapping of it, so the
     * substream cannot change or free its hardware setup (EBADFD) while the buffer
     * is exported, and the memory outlives the substream's close.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EBADFD without hardware
     *         parameters, EINVAL without MMAP access, ENODEV once the exporter is gone
     */
    default SharedHandle exportSubstream(PcmSubstream substream, String holder) {
        return export(DmaBufSource.of(substream), holder);
    }

    /** Exports shared memory; the export takes a reference of its own. */
    default SharedHandle exportMemory(SharedMemory memory, String holder) {
        return export(DmaBufSource.of(memory), holder);
    }
}
