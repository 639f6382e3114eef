/**
 * Metadata containers in sealed shared memory (the shmem sharing backend): the
 * little-endian generic container (u64 format, u32 size, payload) and the nesting
 * container (u32 count, then per entry u64 format, u32 size, u32 offset, then the
 * payloads), formats in the style of DRM format modifiers. A writer builds a
 * container in a memfd and seals it against writing, shrinking and growing; a
 * reader accepts it in place only when those seals make it immutable, and
 * otherwise validates a private copy, so a peer can neither change it between
 * validation and use nor shrink it under the reader.
 */
@Export
@Version("1.0.0")
package pcmshare.core.api.sharing.shmem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
