package pcmshare.sharing.dmabuf;

import java.util.List;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;

/**
 * The reservation as an importer sees it: what user space gets from the kernel's
 * dma-buf file. It may look at every fence and wait, but it adds fences only as
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE does (dma_buf_import_sync_file): with READ or WRITE
 * usage, and only adding, never displacing a fence already there. KERNEL and
 * BOOKKEEP fences belong to the exporter: an importer that could add them would make
 * every other user of the buffer wait for it.
 */
final class ImporterReservation implements Reservation {
    private final Reservation reservation;
    private final Fences fences;

    ImporterReservation(Reservation reservation, Fences fences) {
        this.reservation = reservation;
        this.fences = fences;
    }

    /** READ and WRITE as an import of a sync file holding {@code fence}; any other usage is EPERM. */
    @Override
    public void addFence(Fence fence, Usage usage) {
        if (usage != Usage.READ && usage != Usage.WRITE) {
            throw new ErrnoException(Errno.EPERM, "add_fence", "imported dma-buf", usage,
                    "an importer adds only READ or WRITE fences, as DMA_BUF_IOCTL_IMPORT_SYNC_FILE");
        }
        if (fence == null) {
            throw new ErrnoException(Errno.EINVAL, "add_fence", "imported dma-buf", null, "fence is null");
        }
        SyncFile file = fences.syncFile("add_fence", fence);
        reservation.importSyncFile(file, usage == Usage.WRITE ? SYNC_WRITE : SYNC_READ);
    }

    @Override
    public List<Fence> fences(Usage usage) {
        return reservation.fences(usage);
    }

    @Override
    public Usage usageOf(Fence fence) {
        return reservation.usageOf(fence);
    }

    @Override
    public boolean isSignalled(Usage usage) {
        return reservation.isSignalled(usage);
    }

    @Override
    public boolean await(Usage usage, long timeout, TimeUnit unit) throws InterruptedException {
        return reservation.await(usage, timeout, unit);
    }

    @Override
    public SyncFile exportSyncFile(int flags) {
        return reservation.exportSyncFile(flags);
    }

    @Override
    public void importSyncFile(SyncFile syncFile, int flags) {
        reservation.importSyncFile(syncFile, flags);
    }

    @Override
    public String toString() {
        return "importer view of " + reservation;
    }
}
