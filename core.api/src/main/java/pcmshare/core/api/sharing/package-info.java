/**
 * Buffer sharing backends, as a whiteboard: each backend (dma-buf, anonymous dup,
 * sealed shared memory) registers a {@link pcmshare.core.api.sharing.BufferExporter}
 * service with the property {@value pcmshare.core.api.sharing.BufferExporter#TYPE_PROPERTY}
 * naming its mechanism, so that a consumer picks one with a filter such as
 * {@code (pcmshare.sharing.type=shmem)}.
 *
 * <p>An export gives its first holder a {@link pcmshare.core.api.sharing.SharedHandle};
 * {@link pcmshare.core.api.sharing.SharedHandle#share(String)} gives one to each further
 * holder. The exported object is reference-counted: it stays valid until the last
 * holder closes its handle, whatever the exporter, its source or its bundle does
 * meanwhile. An exporter that goes away refuses new exports and imports with ENODEV;
 * handles already given out keep working. {@link pcmshare.core.api.sharing.BufferExporter#importHandle}
 * accepts only handles the same exporter made and refuses any other with EINVAL
 * naming both mechanisms. {@link pcmshare.core.api.sharing.BufferExporter#exports()}
 * lists what is live, for diagnostics.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.sharing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
