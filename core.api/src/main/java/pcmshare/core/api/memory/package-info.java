/**
 * Buffer memory: reference-counted shared memory from one allocator. On Linux it
 * is a memfd mapped through the Foreign Function &amp; Memory API, so it can be
 * sealed and handed to another process; elsewhere it is plain off-heap memory
 * with the same semantics.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
