package pcmshare.sharing.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.sharing.dmabuf.Bench.refused;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.Reservation.Usage;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.Timeline;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;

/**
 * The cases of IGT's tests/dmabuf_sync_file.c, on a dma-buf of the dmabuf
 * backend: "busy" is what IGT's sync_file_busy() asks, whether a sync file
 * exported for an access is still pending.
 */
class DmaBufSyncFileTest {
    private final Bench bench = new Bench();
    private final DmaBuf buf;

    DmaBufSyncFileTest() {
        SharedMemory m = bench.allocator.allocate("igt", 4096);
        SharedHandle h = bench.exporter.exportMemory(m, "igt");
        m.release();
        buf = bench.exporter.importHandle(h);
        h.close();
    }

    /** sync_file_busy(): a sync file exported for {@code flags} has not signalled. */
    private boolean busy(int flags) {
        return !buf.exportSyncFile(flags).status().isSignalled();
    }

    /** IGT's dmabuf_busy(): the implicit-sync view (poll on the dma-buf). */
    private boolean resvBusy(int flags) {
        return !buf.reservation().isSignalled(Usage.rw((flags & DmaBuf.SYNC_WRITE) != 0));
    }

    @Test
    void exportBasic_aReadFenceMakesOnlyWriteBusy_aWriteFenceMakesBothBusy() {
        for (boolean write : new boolean[] { false, true }) {
            FenceSignaller f = bench.fences.newFence(write ? "write" : "read");
            buf.reservation().addFence(f.fence(), write ? Usage.WRITE : Usage.READ);
            assertThat(busy(DmaBuf.SYNC_READ)).as("read busy with a %s fence", write ? "write" : "read").isEqualTo(write);
            assertThat(busy(DmaBuf.SYNC_WRITE)).as("write busy").isTrue();
            assertThat(busy(DmaBuf.SYNC_RW)).isTrue();
            assertThat(resvBusy(DmaBuf.SYNC_READ)).isEqualTo(write);
            assertThat(resvBusy(DmaBuf.SYNC_WRITE)).isTrue();
            f.signal();
            assertThat(busy(DmaBuf.SYNC_READ)).isFalse();
            assertThat(busy(DmaBuf.SYNC_WRITE)).isFalse();
        }
    }

    @Test
    void exportBeforeSignal_theExportedSyncFileSignalsWithTheFence() throws Exception {
        for (boolean write : new boolean[] { false, true }) {
            FenceSignaller f = bench.fences.newFence("fence");
            buf.reservation().addFence(f.fence(), write ? Usage.WRITE : Usage.READ);
            SyncFile forWrite = buf.exportSyncFile(DmaBuf.SYNC_WRITE);
            assertThat(forWrite.status().isSignalled()).isFalse();
            f.signal();
            assertThat(forWrite.await(0, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(forWrite.status().isSignalled()).isTrue();
        }
    }

    @Test
    void exportMultiwait_theExportIsASnapshot_laterFencesAreNotInIt() {
        for (boolean write : new boolean[] { false, true }) {
            FenceSignaller first = bench.fences.newFence("first");
            buf.reservation().addFence(first.fence(), write ? Usage.WRITE : Usage.READ);
            SyncFile snapshot = buf.exportSyncFile(DmaBuf.SYNC_WRITE);
            FenceSignaller second = bench.fences.newFence("second");
            buf.reservation().addFence(second.fence(), write ? Usage.WRITE : Usage.READ);
            assertThat(snapshot.status().isSignalled()).isFalse();
            first.signal();
            assertThat(snapshot.status().isSignalled()).as("only the first fence is in the snapshot").isTrue();
            assertThat(busy(DmaBuf.SYNC_WRITE)).as("the dma-buf itself still waits for the second").isTrue();
            second.signal();
            assertThat(busy(DmaBuf.SYNC_WRITE)).isFalse();
        }
    }

    @Test
    void importBasic_aReadImportBlocksWritersOnly_aWriteImportBlocksAll() {
        for (boolean write : new boolean[] { false, true }) {
            FenceSignaller f = bench.fences.newFence("imported");
            SyncFile sf = bench.fences.syncFile("in", f.fence());
            buf.importSyncFile(sf, write ? DmaBuf.SYNC_WRITE : DmaBuf.SYNC_READ);
            assertThat(busy(DmaBuf.SYNC_READ)).as("readers blocked by a %s import", write ? "write" : "read")
                    .isEqualTo(write);
            assertThat(busy(DmaBuf.SYNC_WRITE)).isTrue();
            assertThat(resvBusy(DmaBuf.SYNC_READ)).isEqualTo(write);
            assertThat(resvBusy(DmaBuf.SYNC_WRITE)).isTrue();
            assertThat(buf.reservation().usageOf(f.fence())).isEqualTo(write ? Usage.WRITE : Usage.READ);
            f.signal();
            assertThat(busy(DmaBuf.SYNC_READ)).isFalse();
            assertThat(busy(DmaBuf.SYNC_WRITE)).isFalse();
        }
    }

    @Test
    void importMultipleReadOnly_writersWaitForEveryImport_readersNever() {
        importMultiple(false);
    }

    @Test
    void importMultipleReadWrite_everyoneWaitsForEveryImport() {
        importMultiple(true);
    }

    private void importMultiple(boolean write) {
        int flags = write ? DmaBuf.SYNC_WRITE : DmaBuf.SYNC_READ;
        List<FenceSignaller> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FenceSignaller a = bench.fences.newFence("a" + i);
            FenceSignaller b = bench.fences.newFence("b" + i);
            all.add(a);
            all.add(b);
            // each import is a merged sync file of two fences
            buf.importSyncFile(bench.fences.syncFile("pair" + i, a.fence(), b.fence()), flags);
        }
        SyncFile writeSnapshot = buf.exportSyncFile(DmaBuf.SYNC_WRITE);
        assertThat(writeSnapshot.fences()).hasSize(all.size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(busy(DmaBuf.SYNC_WRITE)).as("writers wait while %d imports pend", all.size() - i).isTrue();
            assertThat(busy(DmaBuf.SYNC_READ)).as("readers").isEqualTo(write);
            all.get(i).signal();
        }
        assertThat(busy(DmaBuf.SYNC_WRITE)).isFalse();
        assertThat(busy(DmaBuf.SYNC_READ)).isFalse();
        assertThat(writeSnapshot.status().isSignalled()).isTrue();
    }

    @Test
    void importSyncFile_onlyAdds_neverReplacesWeakensOrDisplacesAKernelFence() {
        Timeline t = bench.fences.newTimeline("producer");
        Fence kernel = t.createFence(1);
        ((Buffer) buf).exporterReservation().addFence(kernel, Usage.KERNEL);
        Fence writer = bench.fences.newFence("writer").fence();
        buf.reservation().addFence(writer, Usage.WRITE);
        // a later fence of the kernel fence's own context, imported as READ
        Fence later = t.createFence(5);
        buf.importSyncFile(bench.fences.syncFile("sneaky", later, writer), DmaBuf.SYNC_READ);
        assertThat(buf.reservation().fences(Usage.KERNEL)).containsExactly(kernel);
        assertThat(buf.reservation().usageOf(kernel)).isEqualTo(Usage.KERNEL);
        assertThat(buf.reservation().usageOf(writer)).as("not weakened to READ").isEqualTo(Usage.WRITE);
        assertThat(buf.reservation().fences(Usage.READ)).contains(kernel, writer, later);
        assertThat(busy(DmaBuf.SYNC_READ)).isTrue();
        t.advance(1);
        assertThat(busy(DmaBuf.SYNC_READ)).as("the writer still pends").isTrue();
        refused(Errno.EINVAL, () -> buf.importSyncFile(null, DmaBuf.SYNC_READ));
        t.close();
    }

    @Test
    void importerReservation_addsOnlyReadOrWriteFences_asImportSyncFile_kernelAndBookkeepAreEPERM() {
        FenceSignaller kernel = bench.fences.newFence("kernel");
        FenceSignaller bookkeep = bench.fences.newFence("bookkeep");
        for (Usage usage : new Usage[] { Usage.KERNEL, Usage.BOOKKEEP }) {
            FenceSignaller f = usage == Usage.KERNEL ? kernel : bookkeep;
            ErrnoException e = org.assertj.core.api.Assertions.catchThrowableOfType(ErrnoException.class,
                    () -> buf.reservation().addFence(f.fence(), usage));
            assertThat(e).as("an importer adding a %s fence", usage).isNotNull();
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(e.getMessage()).contains("add_fence").contains(usage.name());
        }
        assertThat(buf.reservation().fences(Usage.BOOKKEEP)).as("nothing was added").isEmpty();
        assertThat(busy(DmaBuf.SYNC_WRITE)).isFalse();

        // READ and WRITE are an import: a pending fence of the same context is not displaced
        Timeline t = bench.fences.newTimeline("importer");
        Fence first = t.createFence(1);
        buf.reservation().addFence(first, Usage.WRITE);
        Fence later = t.createFence(2);
        buf.reservation().addFence(later, Usage.READ);
        assertThat(buf.reservation().usageOf(first)).as("not weakened to READ").isEqualTo(Usage.WRITE);
        assertThat(buf.reservation().fences(Usage.READ)).contains(first, later);
        t.close();
    }
}
