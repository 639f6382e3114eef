/**
 * Buffer memory: reference-counted shared memory from one allocator, and sealable
 * memory ({@link pcmshare.core.api.memory.Memfd}) made by
 * {@link pcmshare.core.api.memory.MemfdFactory}. On Linux both are memfds mapped
 * through the Foreign Function &amp; Memory API, so they can be sealed and handed to
 * another process; elsewhere they are plain Java memory with the same semantics.
 * This package is the only way bundles reach those system calls.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
