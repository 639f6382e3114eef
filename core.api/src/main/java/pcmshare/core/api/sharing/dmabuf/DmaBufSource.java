package pcmshare.core.api.sharing.dmabuf;

import java.util.Objects;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmSubstream;

/** What the {@code dmabuf} backend exports: a substream's ring buffer or a piece of shared memory. */
public sealed interface DmaBufSource {

    /** The ring buffer of a substream with hardware parameters and MMAP access. */
    static DmaBufSource of(PcmSubstream substream) {
        return new Substream(substream);
    }

    /** Memory from the core's allocator; the export takes a reference of its own. */
    static DmaBufSource of(SharedMemory memory) {
        return new Memory(memory);
    }

    /** A substream's ring buffer, exported through its mapping. */
    record Substream(PcmSubstream substream) implements DmaBufSource {
        public Substream {
            Objects.requireNonNull(substream, "substream");
        }
    }

    /** A piece of shared memory. */
    record Memory(SharedMemory memory) implements DmaBufSource {
        public Memory {
            Objects.requireNonNull(memory, "memory");
        }
    }
}
