package pcmshare.core.api.sharing.shmem;

import java.lang.foreign.MemorySegment;

/** One entry of a nesting container: its format and its payload. */
public record ContainerEntry(long format, MemorySegment payload) {
}
