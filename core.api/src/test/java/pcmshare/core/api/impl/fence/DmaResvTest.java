package pcmshare.core.api.impl.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.Reservation.Usage;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.Timeline;

/**
 * The cases of the kernel's drivers/dma-buf/st-dma-resv.c, the rules of
 * dma_resv_add_fence, and the sync file import/export of dma-buf.c that seed 003
 * discusses.
 */
class DmaResvTest {
    private final Fences fences = new CoreFences();

    private static void assertErrno(Throwable t, Errno errno, String operation, Object value) {
        assertThat(t).isInstanceOf(ErrnoException.class);
        ErrnoException e = (ErrnoException) t;
        assertThat(e.errno()).isEqualTo(errno);
        assertThat(e.operation()).isEqualTo(operation);
        assertThat(e.value()).isEqualTo(value);
    }

    @Test
    @DisplayName("dma_resv_usage: KERNEL < WRITE < READ < BOOKKEEP, and dma_resv_usage_rw inverts")
    void usageOrder_andRwInversion() {
        assertThat(Usage.values()).containsExactly(Usage.KERNEL, Usage.WRITE, Usage.READ, Usage.BOOKKEEP);
        assertThat(Usage.rw(true)).as("a writer waits for readers").isEqualTo(Usage.READ);
        assertThat(Usage.rw(false)).as("a reader waits for writers").isEqualTo(Usage.WRITE);
    }

    @ParameterizedTest
    @EnumSource(Usage.class)
    @DisplayName("test_signaling: dma_resv_test_signaled for a usage turns true once its fence signals")
    void test_signaling(Usage usage) {
        Reservation resv = fences.newReservation();
        FenceSignaller s = fences.newFence("resv");
        resv.addFence(s.fence(), usage);
        assertThat(resv.isSignalled(usage)).as("signalled before signal").isFalse();
        s.signal();
        assertThat(resv.isSignalled(usage)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Usage.class)
    @DisplayName("test_get_fences: a fence added with a usage is returned for that usage and every weaker query")
    void test_get_fences(Usage added) {
        Reservation resv = fences.newReservation();
        Fence f = fences.newFence("resv").fence();
        resv.addFence(f, added);
        for (Usage query : Usage.values()) {
            if (query.ordinal() >= added.ordinal()) {
                assertThat(resv.fences(query)).as("query %s", query).containsExactly(f);
                assertThat(resv.isSignalled(query)).isFalse();
            } else {
                assertThat(resv.fences(query)).as("query %s", query).isEmpty();
                assertThat(resv.isSignalled(query)).isTrue();
            }
        }
        assertThat(resv.usageOf(f)).isEqualTo(added);
    }

    @Test
    @DisplayName("dma_resv_wait_timeout: waiting for write waits on all but BOOKKEEP, waiting for read on writers and kernel")
    void waitForWrite_waitsOnAll_waitForRead_onWritersAndKernel() throws Exception {
        Reservation resv = fences.newReservation();
        FenceSignaller kernel = fences.newFence("kernel");
        FenceSignaller writer = fences.newFence("writer");
        FenceSignaller reader = fences.newFence("reader");
        FenceSignaller book = fences.newFence("bookkeep");
        resv.addFence(kernel.fence(), Usage.KERNEL);
        resv.addFence(writer.fence(), Usage.WRITE);
        resv.addFence(reader.fence(), Usage.READ);
        resv.addFence(book.fence(), Usage.BOOKKEEP);

        kernel.signal();
        assertThat(resv.awaitForRead(0, TimeUnit.SECONDS)).isFalse();
        writer.signal();
        assertThat(resv.awaitForRead(0, TimeUnit.SECONDS)).as("readers wait for writers only").isTrue();
        assertThat(resv.awaitForWrite(1, TimeUnit.MICROSECONDS)).as("writers wait for readers").isFalse();

        AtomicReference<Boolean> woke = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                woke.set(resv.awaitForWrite(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                woke.set(false);
            }
        });
        Waiting.untilParked(waiter);
        reader.signal();
        waiter.join(10_000);
        assertThat(woke.get()).isTrue();
        assertThat(resv.isSignalled(Usage.BOOKKEEP)).as("bookkeeping fence is still pending").isFalse();
        assertThat(resv.await(Usage.BOOKKEEP, 0, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    @DisplayName("dma_resv_add_fence: a later fence of the same context with a usage not weaker replaces the old one")
    void addFence_sameContextLater_replaces() {
        Reservation resv = fences.newReservation();
        Timeline t = fences.newTimeline("t");
        Fence old = t.createFence(1);
        Fence later = t.createFence(2);
        resv.addFence(old, Usage.READ);
        resv.addFence(later, Usage.WRITE);
        assertThat(resv.fences(Usage.BOOKKEEP)).containsExactly(later);
        assertThat(resv.usageOf(later)).isEqualTo(Usage.WRITE);
    }

    @Test
    @DisplayName("dma_resv_add_fence: an old fence of a stronger usage is kept beside the new one")
    void addFence_oldStrongerUsage_isKept() {
        Reservation resv = fences.newReservation();
        Timeline t = fences.newTimeline("t");
        Fence kernelFence = t.createFence(1);
        Fence later = t.createFence(2);
        resv.addFence(kernelFence, Usage.KERNEL);
        resv.addFence(later, Usage.READ);
        assertThat(resv.fences(Usage.BOOKKEEP)).containsExactlyInAnyOrder(kernelFence, later);
        assertThat(resv.fences(Usage.KERNEL)).containsExactly(kernelFence);
    }

    @Test
    @DisplayName("dma_resv_add_fence: an earlier fence of the same context does not replace a later one")
    void addFence_sameContextEarlier_doesNotReplace() {
        Reservation resv = fences.newReservation();
        Timeline t = fences.newTimeline("t");
        Fence later = t.createFence(5);
        Fence earlier = t.createFence(3);
        resv.addFence(later, Usage.WRITE);
        resv.addFence(earlier, Usage.WRITE);
        assertThat(resv.fences(Usage.BOOKKEEP)).containsExactlyInAnyOrder(later, earlier);
    }

    @Test
    @DisplayName("dma_resv_add_fence: another context's pending fence is kept; a signalled one gives up its slot")
    void addFence_otherContext_keptUnlessSignalled() {
        Reservation resv = fences.newReservation();
        FenceSignaller a = fences.newFence("a");
        FenceSignaller b = fences.newFence("b");
        FenceSignaller c = fences.newFence("c");
        resv.addFence(a.fence(), Usage.KERNEL);
        resv.addFence(b.fence(), Usage.BOOKKEEP);
        assertThat(resv.fences(Usage.BOOKKEEP)).containsExactly(a.fence(), b.fence());
        a.signal();
        resv.addFence(c.fence(), Usage.BOOKKEEP);
        assertThat(resv.fences(Usage.BOOKKEEP)).containsExactly(c.fence(), b.fence());
    }

    @Test
    @DisplayName("dma_resv_add_fence: a sync file's combined fence is added as its parts; foreign fences are EINVAL")
    void addFence_unwrapsContainers_andRefusesForeignFences() {
        Reservation resv = fences.newReservation();
        Fence a = fences.newFence("a").fence();
        Fence b = fences.newFence("b").fence();
        resv.addFence(fences.syncFile("ab", a, b).fence(), Usage.WRITE);
        assertThat(resv.fences(Usage.WRITE)).containsExactlyInAnyOrder(a, b);
        Fence foreign = Foreign.impostor(Fence.class);
        assertThatThrownBy(() -> resv.addFence(foreign, Usage.WRITE))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "add_fence", foreign));
        assertThatThrownBy(() -> resv.addFence(a, null))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "add_fence", a));
    }

    @Test
    @DisplayName("export_sync_file: exported before signalling, the sync file signals with the reservation's fence")
    void exportBeforeSignal() {
        Reservation resv = fences.newReservation();
        FenceSignaller writer = fences.newFence("writer");
        resv.addFence(writer.fence(), Usage.WRITE);
        SyncFile forRead = resv.exportSyncFile(Reservation.SYNC_READ);
        SyncFile forWrite = resv.exportSyncFile(Reservation.SYNC_WRITE);
        assertThat(forRead.fences()).containsExactly(writer.fence());
        assertThat(forRead.status().isSignalled()).isFalse();
        assertThat(forWrite.status().isSignalled()).isFalse();
        writer.signal();
        assertThat(forRead.status().isSignalled()).isTrue();
        assertThat(forWrite.status().isSignalled()).isTrue();
    }

    @Test
    @DisplayName("export_sync_file: for read it holds writers and kernel, for write readers too, never bookkeeping")
    void exportUsage_followsRwInversion() {
        Reservation resv = fences.newReservation();
        Fence k = fences.newFence("k").fence();
        Fence w = fences.newFence("w").fence();
        Fence r = fences.newFence("r").fence();
        Fence bk = fences.newFence("b").fence();
        resv.addFence(k, Usage.KERNEL);
        resv.addFence(w, Usage.WRITE);
        resv.addFence(r, Usage.READ);
        resv.addFence(bk, Usage.BOOKKEEP);
        assertThat(resv.exportSyncFile(Reservation.SYNC_READ).fences()).containsExactlyInAnyOrder(k, w);
        assertThat(resv.exportSyncFile(Reservation.SYNC_WRITE).fences()).containsExactlyInAnyOrder(k, w, r);
        assertThat(resv.exportSyncFile(Reservation.SYNC_RW).fences()).containsExactlyInAnyOrder(k, w, r);
    }

    @Test
    @DisplayName("export_sync_file: a snapshot, fences added later are not in it")
    void exportSnapshot_excludesLaterFences() {
        Reservation resv = fences.newReservation();
        FenceSignaller first = fences.newFence("first");
        FenceSignaller later = fences.newFence("later");
        resv.addFence(first.fence(), Usage.WRITE);
        SyncFile exported = resv.exportSyncFile(Reservation.SYNC_WRITE);
        resv.addFence(later.fence(), Usage.WRITE);
        assertThat(exported.fences()).containsExactly(first.fence());
        first.signal();
        assertThat(exported.status().isSignalled()).as("waits on a fence added after export").isTrue();
        assertThat(resv.isSignalled(Usage.WRITE)).isFalse();
    }

    @Test
    @DisplayName("export_sync_file: an empty reservation exports the signalled stub")
    void exportEmpty_isSignalledStub() {
        Reservation resv = fences.newReservation();
        SyncFile exported = resv.exportSyncFile(Reservation.SYNC_RW);
        assertThat(exported.fence()).isSameAs(fences.signalledStub());
        assertThat(exported.status().isSignalled()).isTrue();
        resv.addFence(fences.newFence("bk").fence(), Usage.BOOKKEEP);
        assertThat(resv.exportSyncFile(Reservation.SYNC_WRITE).fence()).isSameAs(fences.signalledStub());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 7, -1, 1 << 31})
    @DisplayName("DMA_BUF_IOCTL_EXPORT/IMPORT_SYNC_FILE: flags other than READ/WRITE, or neither, are EINVAL")
    void syncFileFlags_otherThanReadWrite_areEINVAL(int flags) {
        Reservation resv = fences.newReservation();
        SyncFile file = fences.syncFile("f", fences.newFence("f").fence());
        assertThatThrownBy(() -> resv.exportSyncFile(flags))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "export_sync_file", flags));
        assertThatThrownBy(() -> resv.importSyncFile(file, flags))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "import_sync_file", flags));
        assertThat(resv.fences(Usage.BOOKKEEP)).isEmpty();
    }

    @Test
    @DisplayName("import_sync_file: something that is not a pcmshare sync file is EINVAL")
    void importNonSyncFile_isEINVAL() {
        Reservation resv = fences.newReservation();
        SyncFile foreign = Foreign.impostor(SyncFile.class);
        assertThatThrownBy(() -> resv.importSyncFile(foreign, Reservation.SYNC_WRITE))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "import_sync_file", foreign));
        assertThatThrownBy(() -> resv.importSyncFile(null, Reservation.SYNC_WRITE))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "import_sync_file", null));
    }

    @Test
    @DisplayName("import_sync_file READ: blocks writers only")
    void importRead_blocksWritersOnly() throws Exception {
        Reservation resv = fences.newReservation();
        FenceSignaller s = fences.newFence("imported");
        resv.importSyncFile(fences.syncFile("in", s.fence()), Reservation.SYNC_READ);
        assertThat(resv.usageOf(s.fence())).isEqualTo(Usage.READ);
        assertThat(resv.awaitForRead(0, TimeUnit.SECONDS)).as("a reader is not blocked").isTrue();
        assertThat(resv.awaitForWrite(0, TimeUnit.SECONDS)).as("a writer is blocked").isFalse();
        s.signal();
        assertThat(resv.awaitForWrite(0, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("import_sync_file WRITE (or RW): blocks everyone")
    void importWrite_blocksEveryone() {
        for (int flags : new int[] {Reservation.SYNC_WRITE, Reservation.SYNC_RW}) {
            Reservation resv = fences.newReservation();
            Timeline ta = fences.newTimeline("a");
            Timeline tb = fences.newTimeline("b");
            SyncFile in = fences.syncFile("in", ta.createFence(1), tb.createFence(1));
            resv.importSyncFile(in, flags);
            assertThat(resv.fences(Usage.WRITE)).as("flags %d", flags).containsExactlyInAnyOrderElementsOf(in.fences());
            assertThat(resv.isSignalled(Usage.rw(false))).as("reader blocked").isFalse();
            assertThat(resv.isSignalled(Usage.rw(true))).as("writer blocked").isFalse();
            ta.advance(1);
            assertThat(resv.isSignalled(Usage.rw(false))).as("still blocked by b").isFalse();
            tb.advance(1);
            assertThat(resv.isSignalled(Usage.rw(true))).isTrue();
        }
    }

    @Test
    @DisplayName("import_sync_file: never displaces a KERNEL fence, even with a later fence of its own context")
    void importNeverDisplacesKernelFence() {
        Reservation resv = fences.newReservation();
        Timeline t = fences.newTimeline("kernel");
        Fence kernelFence = t.createFence(1);
        resv.addFence(kernelFence, Usage.KERNEL);
        resv.importSyncFile(fences.syncFile("later", t.createFence(2)), Reservation.SYNC_WRITE);
        resv.importSyncFile(fences.syncFile("other", fences.newFence("x").fence()), Reservation.SYNC_RW);
        assertThat(resv.fences(Usage.KERNEL)).containsExactly(kernelFence);
        assertThat(resv.usageOf(kernelFence)).isEqualTo(Usage.KERNEL);
        assertThat(resv.fences(Usage.BOOKKEEP)).hasSize(3);
    }

    @Test
    @DisplayName("import_sync_file: only adds, a pending fence already there is never replaced or weakened")
    void importOnlyAdds_neverReplacesPending() {
        Reservation resv = fences.newReservation();
        Timeline t = fences.newTimeline("t");
        Fence writer = t.createFence(1);
        resv.addFence(writer, Usage.WRITE);
        resv.importSyncFile(fences.syncFile("same-context-later", t.createFence(2)), Reservation.SYNC_WRITE);
        resv.importSyncFile(fences.syncFile("same-fence", writer), Reservation.SYNC_READ);
        assertThat(resv.fences(Usage.WRITE)).contains(writer);
        assertThat(resv.usageOf(writer)).isEqualTo(Usage.WRITE);
        FenceSignaller done = fences.newFence("done");
        done.signal();
        Reservation other = fences.newReservation();
        other.addFence(done.fence(), Usage.WRITE);
        Fence incoming = fences.newFence("in").fence();
        other.importSyncFile(fences.syncFile("in", incoming), Reservation.SYNC_READ);
        assertThat(other.fences(Usage.BOOKKEEP)).as("a signalled slot is reused").containsExactly(incoming);
    }
}
