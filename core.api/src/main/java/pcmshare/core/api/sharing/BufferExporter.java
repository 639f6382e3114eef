package pcmshare.core.api.sharing;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sharing backend: exports something the core owns to holders, and imports a
 * handle back into the thing it stands for.
 *
 * @param <S> what is exported (e.g. a buffer's memory, a sealed memfd)
 * @param <T> what an import yields; the importer owns it and closes it
 */
@ConsumerType
public interface BufferExporter<S, T> {

    /** The service property naming the mechanism, e.g. {@code shmem}, {@code dmabuf}, {@code anondup}. */
    String TYPE_PROPERTY = "pcmshare.sharing.type";

    /** The mechanism, equal to the service's {@value #TYPE_PROPERTY} property. */
    String type();

    /**
     * Exports {@code source}; the returned handle is the first holder's reference.
     *
     * @param holder who holds the handle, for diagnostics
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when the source cannot be
     *         shared this way, ENODEV when the exporter is gone
     */
    SharedHandle export(S source, String holder);

    /**
     * The object a handle stands for.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when this exporter did not
     *         make the handle (naming both mechanisms), EBADF when the handle is closed,
     *         ENODEV when the exporter is gone
     */
    T importHandle(SharedHandle handle);

    /** What this exporter has exported and is still held, oldest first. */
    List<ExportInfo> exports();
}
