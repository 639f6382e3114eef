package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;

/** What a holder of a ring mapping (a BUFFER dup, a dma-buf importer) can and cannot do to the owner. */
class HolderMappingTest {
    private final Rig rig = new Rig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void pcmMappingMemory_isTheHoldersOwnHandle_releasingItTwiceNeverReachesTheOwner() {
        PcmSubstream owner = rig.engine.open(rig.cardId, 0, PLAYBACK, -1, false);
        owner.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmMapping mapping = owner.dup().map();
        SharedMemory mine = mapping.memory();
        int before = mine.refCount();
        mine.release();
        mine.release();
        mine.release();
        assertThat(mine.refCount()).as("exactly one reference dropped").isEqualTo(before - 1);
        // the owner's ring is untouched: it prepares, writes and runs
        owner.prepare();
        fill(owner);
        owner.start();
        assertThat(owner.state()).isEqualTo(PcmState.RUNNING);
        rig.periods(1);
        assertThat(owner.status().hwPtr()).isEqualTo(Rig.PERIOD);
        mapping.close();
        mapping.close();
        owner.drop();
        owner.close();
    }

    @Test
    void pcmMappingMemory_holdersMemfdCannotResizeOrResealTheRing() {
        PcmSubstream owner = rig.engine.open(rig.cardId, 0, PLAYBACK, -1, false);
        owner.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmMapping mapping = owner.dup().map();
        Memfd memfd = mapping.memory().memfd().orElse(null);
        if (memfd != null) { // Linux: the ring is a memfd a holder may hand on
            assertThat(memfd.seals()).as("sealed before anyone else sees it").contains(Seal.SHRINK, Seal.GROW);
            for (Memfd h : new Memfd[] { memfd, memfd.dup() }) {
                assertEPERM(() -> h.resize(0), "ftruncate");
                assertEPERM(() -> h.addSeals(java.util.EnumSet.of(Seal.FUTURE_WRITE)), "F_ADD_SEALS");
                assertEPERM(() -> h.addSeals(Seal.SEAL.bit()), "F_ADD_SEALS");
            }
            assertThat(memfd.seals()).doesNotContain(Seal.FUTURE_WRITE, Seal.SEAL);
        }
        owner.prepare();
        fill(owner);
        // every byte of the owner's ring still reads (a ring cut under its mapping faults: InternalError)
        java.lang.foreign.MemorySegment ring = SubstreamHandle.substreamOf(owner).runtime().buffer();
        assertThat(ring.get(ValueLayout.JAVA_BYTE, ring.byteSize() - 1)).isNotNull();
        mapping.close();
        owner.drop();
        owner.close();
    }

    /** The owner's write through the mmap path: every byte of its ring. */
    private static void fill(PcmSubstream owner) {
        MmapArea area = owner.mmapBegin(Rig.BUFFER);
        area.buffer().asSlice(area.byteOffset(0, area.offset()), area.frames() * STD.frameBytes()).fill((byte) 1);
        assertThat(owner.mmapCommit(area.offset(), area.frames())).isEqualTo(Rig.BUFFER);
    }

    private static void assertEPERM(Runnable call, String operation) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call::run);
        assertThat(e).as("%s by a holder", operation).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.operation()).isEqualTo(operation);
        assertThat(e.getMessage()).contains("only the owner");
    }
}
