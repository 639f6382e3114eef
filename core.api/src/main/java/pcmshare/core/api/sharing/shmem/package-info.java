/**
 * Metadata containers in sealed shared memory (the shmem sharing backend), in the
 * layout of seed 004 so that a C peer reads and writes them with the structs it
 * declares: packed (no padding), little-endian, formats in the style of DRM format
 * modifiers.
 *
 * <pre>
 * struct shmem_generic_container {     byte offset
 *     u64 format;                      0
 *     u32 size;                        8    bytes of payload
 *     u8  payload[size];               12
 * };
 * struct shmem_nesting_container {     the payload of a generic container of format NESTING (DRM_FORMAT_MOD_LINEAR)
 *     u32 num;                         0
 *     u64 formats[num];                4             formats[i] at 4 + 8*i
 *     u32 sizes[num];                  4 + 8*num     sizes[i]   at 4 + 8*num + 4*i
 *     u32 offsets[num];                4 + 12*num    offsets[i] at 4 + 12*num + 4*i, counted from payload
 *     u8  payload[];                   4 + 16*num
 * };
 * </pre>
 *
 * A two-entry nesting container thus has {@code num} at 0, {@code formats} at 4 and 12,
 * {@code sizes} at 20 and 24, {@code offsets} at 28 and 32, and its payload area at 36.
 *
 * <p>A writer builds a container in a memfd and seals it against writing, shrinking
 * and growing; it refuses {@link pcmshare.core.api.sharing.shmem.ContainerFormat#INVALID}
 * (EINVAL), which no reader accepts. A reader accepts a container in place only
 * when those seals make it immutable, and otherwise validates a private copy, so a
 * peer can neither change it between validation and use nor shrink it under the
 * reader. The reader's {@link pcmshare.core.api.sharing.shmem.FormatPolicy} bounds
 * what it takes (bytes, entries) before it maps, copies or allocates anything.
 */
@Export
@Version("1.1.0")
package pcmshare.core.api.sharing.shmem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
