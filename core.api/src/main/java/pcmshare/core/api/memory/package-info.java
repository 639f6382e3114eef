/**
 * Buffer memory: reference-counted shared memory from one allocator, and sealable
 * memory ({@link pcmshare.core.api.memory.Memfd}) made by
 * {@link pcmshare.core.api.memory.MemfdFactory}. On Linux both are memfds mapped
 * through the Foreign Function &amp; Memory API, so they can be sealed and handed to
 * another process; elsewhere they are plain Java memory with the same semantics.
 * This package is the only way bundles reach those system calls.
 *
 * <p>Every holder of memory has a handle of its own ({@link pcmshare.core.api.memory.SharedMemory}):
 * releasing it drops exactly its one reference. A descriptor is pinned for the
 * duration of each call made through a {@link pcmshare.core.api.memory.Memfd}, as the
 * kernel's fdget/fdput pin a file, so a concurrent close never redirects a call to
 * another file that reused the number. A memfd is never shrunk under a live mapping
 * made through this package (EBUSY), so reading a mapping cannot fault.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
