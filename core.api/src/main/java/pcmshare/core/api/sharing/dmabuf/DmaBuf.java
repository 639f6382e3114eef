package pcmshare.core.api.sharing.dmabuf;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.sharing.SharedHandle;

/**
 * One importer's reference to an exported buffer (a dma-buf file descriptor).
 * Closing it drops the reference and detaches what this reference attached; the
 * buffer lives on while other references (handles, dma-bufs, mmaps) remain.
 * Every call on a closed dma-buf is EBADF.
 *
 * <p>CPU access of a substream's buffer is refused with EBUSY while the substream
 * is RUNNING or DRAINING, unless its driver declares
 * {@link pcmshare.core.api.pcm.PcmCapability#COHERENT_BUFFER}: syncing caches under
 * a running DMA engine cannot be right.
 */
@ProviderType
public interface DmaBuf extends AutoCloseable {
    /** DMA_BUF_SYNC_READ. */
    int SYNC_READ = Reservation.SYNC_READ;
    /** DMA_BUF_SYNC_WRITE. */
    int SYNC_WRITE = Reservation.SYNC_WRITE;
    /** DMA_BUF_SYNC_RW. */
    int SYNC_RW = Reservation.SYNC_RW;
    /** DMA_BUF_SYNC_START: 0, the default. */
    int SYNC_START = 0;
    /** DMA_BUF_SYNC_END. */
    int SYNC_END = 1 << 2;
    /** DMA_BUF_SYNC_VALID_FLAGS_MASK. */
    int SYNC_VALID_FLAGS_MASK = SYNC_RW | SYNC_END;
    /** DMA_BUF_NAME_LEN: bytes of a name including its terminating NUL, as the kernel counts them. */
    int NAME_LEN = 32;

    /** The export's id, unique within its exporter (as {@link SharedHandle#id()}). */
    long id();

    /** Size in bytes. */
    long byteSize();

    /** What was exported, for humans (the kernel's exp_name): a substream or a memory name. */
    String source();

    /** The name set with {@link #setName}, empty until then (DMA_BUF_GET_NAME). */
    String name();

    /**
     * Names the buffer (DMA_BUF_SET_NAME). Like strndup_user(name, DMA_BUF_NAME_LEN),
     * the UTF-8 bytes plus the terminating NUL may take at most {@link #NAME_LEN}
     * bytes: 31 bytes of text.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for a longer name, a
     *         null one, or one containing NUL
     */
    void setName(String name);

    /**
     * The fences guarding the buffer (dmabuf->resv), shared by every reference, as user
     * space sees them through the dma-buf file: every fence can be looked at and waited
     * for, but an importer adds fences only as DMA_BUF_IOCTL_IMPORT_SYNC_FILE does.
     * {@link Reservation#addFence} with {@link Reservation.Usage#READ} or
     * {@link Reservation.Usage#WRITE} is the import of a sync file holding that fence
     * (it only adds, never displacing a fence already there); KERNEL and BOOKKEEP fences
     * are the exporter's, and adding one here is EPERM, so no importer can make every
     * other user of the buffer wait.
     */
    Reservation reservation();

    /**
     * Attaches an importer (dma_buf_attach). The attachment is detached when
     * closed, or when this dma-buf is.
     */
    DmaBufAttachment attach(String importer);

    /** The attachments made through this reference and still attached. */
    List<DmaBufAttachment> attachments();

    /**
     * Maps the data for the CPU (mmap of the dma-buf): {@link #SYNC_READ} gives a
     * read-only segment, {@link #SYNC_WRITE} or {@link #SYNC_RW} a writable one.
     * Like a kernel mmap it holds the buffer by itself: it stays valid after this
     * dma-buf is closed, until the mapping is.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for flags other than
     *         read/write, or neither
     */
    DmaBufMapping mmap(int flags);

    /**
     * DMA_BUF_IOCTL_SYNC with SYNC_START: waits, without a time limit, for the
     * reservation's fences the access conflicts with (reading waits for writers
     * and the kernel, writing for every fence but bookkeeping ones), then lets
     * the CPU at the buffer. Unlike the kernel's dma_resv_wait_timeout, it waits
     * for the fences present at the call only (as {@link #exportSyncFile} takes
     * them): a reader of a running capture waits for the period in progress, not
     * for each next period's fence added meanwhile.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for flags other than
     *         read/write, or neither; EBUSY naming the state while the exporting
     *         substream runs without a coherent buffer; EINTR when interrupted
     */
    void beginCpuAccess(int flags);

    /**
     * {@link #beginCpuAccess(int)} that gives up after {@code timeout}.
     *
     * @return true when access began, false when the fences did not signal in time
     */
    boolean beginCpuAccess(int flags, long timeout, TimeUnit unit);

    /**
     * DMA_BUF_IOCTL_SYNC with SYNC_END: the CPU is done with the buffer. Same
     * checks as {@link #beginCpuAccess(int)}; it never waits.
     */
    void endCpuAccess(int flags);

    /**
     * DMA_BUF_IOCTL_SYNC as the ioctl takes it: {@link #SYNC_END} set ends,
     * otherwise begins.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for bits outside
     *         {@link #SYNC_VALID_FLAGS_MASK} or without read/write
     */
    void sync(long flags);

    /**
     * DMA_BUF_IOCTL_EXPORT_SYNC_FILE: a snapshot of the fences an access with
     * {@code flags} would wait for ({@link Reservation#exportSyncFile}).
     */
    SyncFile exportSyncFile(int flags);

    /**
     * DMA_BUF_IOCTL_IMPORT_SYNC_FILE: adds the sync file's fences as WRITE fences
     * when {@link #SYNC_WRITE} is set, READ fences otherwise. It only adds: no
     * fence already held is replaced, weakened or displaced, KERNEL ones least of
     * all ({@link Reservation#importSyncFile}).
     */
    void importSyncFile(SyncFile syncFile, int flags);

    /**
     * For the buffer of a capture substream: a fence that signals when period
     * {@code period} is complete, counting periods from the export (the first
     * period captured after export is 1). While the capture runs, the fence of
     * the period in progress is also in the {@link #reservation()} as a WRITE
     * fence, so readers wait for data without polling. A fence pending when the
     * capture stops signals with ENOENT: no data will complete it.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when the buffer is not
     *         a capture substream's, or for a negative period
     */
    Fence periodFence(long period);

    /** Periods completed since export; 0 for a buffer that is not a capture substream's. */
    long periodsCompleted();

    /**
     * A handle on the same buffer for another holder (dma_buf_fd), to pass around
     * and import.
     */
    SharedHandle share(String holder);

    /** The number of references on the buffer (0 once freed). */
    int refCount();

    /** Whether this reference is still open. */
    boolean isOpen();

    /** Drops this reference and detaches its attachments; idempotent. */
    @Override
    void close();
}
