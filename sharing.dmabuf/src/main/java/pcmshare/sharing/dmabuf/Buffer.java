package pcmshare.sharing.dmabuf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufAttachment;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/** An importer's reference on an export: the dma-buf file as its holder sees it. */
final class Buffer implements DmaBuf, Export.Holder {
    private final Export export;
    private final String holder;
    // guarded by this
    private final List<Attachment> attachments = new ArrayList<>();

    Buffer(Export export, String holder) {
        this.export = export;
        this.holder = holder;
    }

    @Override
    public String holder() {
        return holder;
    }

    /** Every call first: a released reference is EBADF, never a read of freed state. */
    private void checkOpen(String operation) {
        if (!export.holds(this)) {
            throw new ErrnoException(Errno.EBADF, operation, "released", holder,
                    "dma-buf #" + export.id + " (" + export.source + ") was released by this holder");
        }
    }

    @Override
    public long id() {
        return export.id;
    }

    @Override
    public long byteSize() {
        checkOpen("size");
        return export.size;
    }

    @Override
    public String source() {
        checkOpen("source");
        return export.source;
    }

    @Override
    public String name() {
        checkOpen("get_name");
        return export.name();
    }

    @Override
    public void setName(String name) {
        checkOpen("set_name");
        export.setName(name, holder);
    }

    @Override
    public Reservation reservation() {
        checkOpen("reservation");
        return export.importerReservation;
    }

    /** The exporter's side of the reservation, with every usage: for the backend and its tests, never an importer. */
    Reservation exporterReservation() {
        return export.reservation;
    }

    @Override
    public DmaBufAttachment attach(String importer) {
        checkOpen("attach");
        Attachment a = new Attachment(this, export, importer == null ? "" : importer);
        synchronized (this) {
            attachments.add(a);
        }
        return a;
    }

    @Override
    public synchronized List<DmaBufAttachment> attachments() {
        checkOpen("attachments");
        return List.copyOf(attachments);
    }

    synchronized void detached(Attachment a) {
        attachments.remove(a);
    }

    @Override
    public DmaBufMapping mmap(int flags) {
        checkOpen("mmap");
        Export.checkSyncFlags("mmap", flags);
        Mapping m = new Mapping(export, flags, holder + " (mmap)", true);
        export.retainVia(this, m, "mmap");
        return m;
    }

    @Override
    public void beginCpuAccess(int flags) {
        beginCpuAccess(flags, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean beginCpuAccess(int flags, long timeout, TimeUnit unit) {
        checkOpen("begin_cpu_access");
        Export.checkSyncFlags("begin_cpu_access", flags);
        export.checkCpuAccessAllowed("begin_cpu_access", flags);
        return export.awaitForCpu(flags, timeout, unit);
    }

    @Override
    public void endCpuAccess(int flags) {
        checkOpen("end_cpu_access");
        Export.checkSyncFlags("end_cpu_access", flags);
        export.checkCpuAccessAllowed("end_cpu_access", flags);
    }

    @Override
    public void sync(long flags) {
        checkOpen("sync");
        // dma_buf_ioctl DMA_BUF_IOCTL_SYNC
        if ((flags & ~(long) SYNC_VALID_FLAGS_MASK) != 0) {
            throw new ErrnoException(Errno.EINVAL, "sync", null, flags,
                    "bits outside DMA_BUF_SYNC_VALID_FLAGS_MASK: 0x" + Long.toHexString(flags));
        }
        int rw = (int) (flags & SYNC_RW);
        if ((flags & SYNC_END) != 0) {
            endCpuAccess(rw);
        } else {
            beginCpuAccess(rw);
        }
    }

    @Override
    public SyncFile exportSyncFile(int flags) {
        checkOpen("export_sync_file");
        return export.reservation.exportSyncFile(flags);
    }

    @Override
    public void importSyncFile(SyncFile syncFile, int flags) {
        checkOpen("import_sync_file");
        export.reservation.importSyncFile(syncFile, flags);
    }

    @Override
    public Fence periodFence(long period) {
        checkOpen("period_fence");
        CapturePeriods p = export.periods();
        if (p == null) {
            throw new ErrnoException(Errno.EINVAL, "period_fence", null, export.source,
                    "period fences exist only for a capture substream's buffer");
        }
        return p.fence(period);
    }

    @Override
    public long periodsCompleted() {
        checkOpen("periods_completed");
        CapturePeriods p = export.periods();
        return p == null ? 0 : p.completed();
    }

    @Override
    public SharedHandle share(String newHolder) {
        Handle h = new Handle(export, newHolder == null ? "" : newHolder);
        export.retainVia(this, h, "share");
        return h;
    }

    @Override
    public int refCount() {
        return export.refCount();
    }

    @Override
    public boolean isOpen() {
        return export.holds(this);
    }

    @Override
    public void close() {
        List<Attachment> left;
        synchronized (this) {
            left = List.copyOf(attachments);
        }
        // dma_buf_put after the importer's detaches
        for (Attachment a : left) {
            a.close();
        }
        export.release(this);
    }

    @Override
    public String toString() {
        return export + "[" + holder + "]";
    }
}
