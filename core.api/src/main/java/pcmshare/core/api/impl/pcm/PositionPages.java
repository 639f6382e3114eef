package pcmshare.core.api.impl.pcm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmState;

/**
 * A substream's positions in shared memory, laid out as the kernel's
 * struct snd_pcm_mmap_status (written by the core) and struct
 * snd_pcm_mmap_control (written by the application side), each on a page of
 * its own, so that the two sides never write the same cache line and the
 * pages can be handed to another process with different protections (status
 * read-only, control read-write, as pcm_native.c's snd_pcm_mmap_status and
 * snd_pcm_mmap_control map them). Every field is 64 bits wide and 8-aligned.
 *
 * <pre>
 * offset  field             writer                       kernel field
 * status page
 *      0  state             core, stream lock            status->state (PcmState ordinal, the
 *                                                        SNDRV_PCM_STATE_* numbers)
 *      8  hw_ptr            core, stream lock            status->hw_ptr
 *     16  tstamp            core, stream lock            status->tstamp (ns, card clock)
 *     24  suspended_state   core, stream lock            status->suspended_state
 * control page
 *   4096  appl_ptr          application side: a release  control->appl_ptr
 *                           store (mmap commit, read,
 *                           write, rewind, forward), or
 *                           the core under the stream
 *                           lock on prepare, reset,
 *                           hw_params
 *   4104  avail_min         sw_params, stream lock       control->avail_min
 *   4160  buffer_access     a transfer copying, by CAS   runtime->buffer_accessing
 *                           0 to 1, back to 0 after;
 *                           a cache line of its own
 * </pre>
 *
 * Stores are release stores and loads acquire loads (Agrona's ring buffer
 * descriptors, and the kernel's smp_store_release/smp_load_acquire around
 * appl_ptr): a reader that sees a pointer also sees the frames it covers.
 * appl_ptr has one writer, the application side, with plain release stores as
 * alsa-lib's mmap commit stores it in the kernel's mapped control page: no
 * locked instruction on the line the period path reads, so the writer's store
 * waits in its store buffer rather than stalling it. Two threads of one
 * application moving appl_ptr at once race as they do on the kernel's page;
 * the core reads whatever value won, always one in [0, boundary), and the
 * transfers, rewind and forward serialise among themselves on the buffer
 * claim. The claim sits on a cache line of its own, which the period path
 * never reads.
 */
final class PositionPages {
    static final long PAGE = 4096;
    static final long STATE = 0;
    static final long HW_PTR = 8;
    static final long TSTAMP = 16;
    static final long SUSPENDED_STATE = 24;
    static final long APPL_PTR = PAGE;
    static final long AVAIL_MIN = PAGE + 8;
    static final long BUFFER_ACCESS = PAGE + 64;
    static final long BYTES = 2 * PAGE;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final SharedMemory memory;
    private final MemorySegment pages;

    PositionPages(MemoryAllocator allocator, String name) {
        this.memory = allocator.allocate(name, BYTES);
        this.pages = memory.segment();
    }

    /** The memory, for handing the pages on (one more reference each time). */
    SharedMemory memory() {
        return memory;
    }

    /** Closing the substream: the memory goes back once every holder has let go. */
    void release() {
        memory.release();
    }

    // ---------------------------------------------------------------- status: the core writes

    long hwPtr() {
        return (long) LONG.getAcquire(pages, HW_PTR);
    }

    void publishHwPtr(long hwPtr, long nanos) {
        LONG.setRelease(pages, TSTAMP, nanos);
        LONG.setRelease(pages, HW_PTR, hwPtr);
    }

    void publishHwPtr(long hwPtr) {
        LONG.setRelease(pages, HW_PTR, hwPtr);
    }

    long tstamp() {
        return (long) LONG.getAcquire(pages, TSTAMP);
    }

    void publishState(PcmState state) {
        LONG.setRelease(pages, STATE, (long) state.ordinal());
    }

    void publishSuspendedState(PcmState state) {
        LONG.setRelease(pages, SUSPENDED_STATE, (long) state.ordinal());
    }

    /** The state as the status page says it, for a reader in another process. */
    long stateWord() {
        return (long) LONG.getAcquire(pages, STATE);
    }

    // ---------------------------------------------------------------- control: the application writes

    long applPtr() {
        return (long) LONG.getAcquire(pages, APPL_PTR);
    }

    void publishApplPtr(long applPtr) {
        LONG.setRelease(pages, APPL_PTR, applPtr);
    }

    /**
     * One transfer at a time copies into or out of the ring (the kernel's
     * runtime->buffer_accessing): false when another holds it. A full fence,
     * so that a claimer's next read of the state and a setup change's read of
     * the claim cannot both miss each other.
     */
    boolean tryClaimBuffer() {
        return LONG.compareAndSet(pages, BUFFER_ACCESS, 0L, 1L);
    }

    /** Spins for the claim: its holder copies one chunk and lets go, never blocking in between. */
    void claimBuffer() {
        for (int spins = 0; !tryClaimBuffer(); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    void releaseBuffer() {
        LONG.setRelease(pages, BUFFER_ACCESS, 0L);
    }

    /** Under the stream lock, before the ring goes away or changes: waits out a copy begun lock-free. */
    void awaitBufferIdle() {
        for (int spins = 0; (long) LONG.getVolatile(pages, BUFFER_ACCESS) != 0; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    long availMin() {
        return (long) LONG.getAcquire(pages, AVAIL_MIN);
    }

    void publishAvailMin(long availMin) {
        LONG.setRelease(pages, AVAIL_MIN, availMin);
    }
}
