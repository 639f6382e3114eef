/**
 * Fences, timelines, sync files and reservations: the kernel's dma-fence,
 * sw_sync, sync_file and dma-resv, for the JVM.
 *
 * <p>Fences are made only by pcmshare ({@link pcmshare.core.api.fence.Fences});
 * sync files and reservations refuse fences of any other origin, so that a fence
 * handed in from outside can never lie about being signalled. A consumer holds a
 * {@link pcmshare.core.api.fence.Fence} and can only observe it; signalling
 * needs the {@link pcmshare.core.api.fence.Timeline} or the
 * {@link pcmshare.core.api.fence.FenceSignaller} that made it.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.fence;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
