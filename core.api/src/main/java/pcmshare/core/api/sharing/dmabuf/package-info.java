/**
 * The dma-buf client API (include/uapi/linux/dma-buf.h and drivers/dma-buf/dma-buf.c),
 * so that importers need only core.api: a {@link pcmshare.core.api.sharing.dmabuf.DmaBuf}
 * is what the {@code dmabuf} sharing backend's
 * {@link pcmshare.core.api.sharing.BufferExporter#importHandle} yields.
 *
 * <p>Every object here is reference-counted as the kernel's dma-buf file is: each
 * {@link pcmshare.core.api.sharing.SharedHandle}, each imported
 * {@link pcmshare.core.api.sharing.dmabuf.DmaBuf} and each
 * {@link pcmshare.core.api.sharing.dmabuf.DmaBuf#mmap mmap} holds the exported memory,
 * which is freed exactly once, when the last of them is closed, whatever became of the
 * substream, the exporter or its bundle meanwhile. A closed object refuses every call
 * with EBADF.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.sharing.dmabuf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
