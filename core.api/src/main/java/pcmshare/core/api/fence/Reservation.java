package pcmshare.core.api.fence;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fences that guard one buffer (dma_resv), each with a usage.
 *
 * <p>A fence is added by the rules of dma_resv_add_fence: it takes the slot of
 * an existing fence only when that fence has the same context, an earlier or
 * equal seqno and a usage that is not stronger, or when that fence has already
 * signalled. An imported sync file ({@link #importSyncFile}) is stricter: it
 * only adds, so no fence already there is ever replaced, weakened or signalled
 * early by what was imported.
 */
public interface Reservation {
    /** DMA_BUF_SYNC_READ: the caller reads the buffer. */
    int SYNC_READ = 1;
    /** DMA_BUF_SYNC_WRITE: the caller writes the buffer. */
    int SYNC_WRITE = 2;
    /** DMA_BUF_SYNC_RW: both. */
    int SYNC_RW = SYNC_READ | SYNC_WRITE;

    /**
     * How a fence uses the buffer (enum dma_resv_usage), strongest first. Asking
     * for a usage includes every stronger one.
     */
    enum Usage {
        /** Memory management by the core: moves, clears. Every access waits for it. */
        KERNEL,
        /** Writers: implicit-sync readers wait for them. */
        WRITE,
        /** Readers: implicit-sync writers wait for them. */
        READ,
        /** Bookkeeping only: no implicit-sync waiting. */
        BOOKKEEP;

        /**
         * The usage to wait for before an access (dma_resv_usage_rw): before
         * writing, wait for readers and everything stronger ({@link #READ});
         * before reading, wait for writers and the kernel ({@link #WRITE}).
         */
        public static Usage rw(boolean write) {
            return write ? READ : WRITE;
        }

        /** True when a query for {@code this} usage returns fences of {@code fenceUsage}. */
        public boolean includes(Usage fenceUsage) {
            return fenceUsage.ordinal() <= ordinal();
        }
    }

    /**
     * Adds a fence (dma_resv_add_fence). A sync file's combined fence is added
     * as its parts.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when the fence is
     *         null or not made by pcmshare, or the usage is null
     */
    void addFence(Fence fence, Usage usage);

    /** The fences of {@code usage} and every stronger usage (dma_resv_get_fences). */
    List<Fence> fences(Usage usage);

    /** The usage each fence is held with, for the fences of {@link #fences(Usage)}. */
    Usage usageOf(Fence fence);

    /** True when every fence of {@code usage} and stronger has signalled (dma_resv_test_signaled). */
    boolean isSignalled(Usage usage);

    /**
     * Waits for every fence of {@code usage} and stronger, including those added
     * while waiting (dma_resv_wait_timeout).
     *
     * @return whether they all signalled in time
     */
    boolean await(Usage usage, long timeout, TimeUnit unit) throws InterruptedException;

    /** Waits as a writer must: for every fence but BOOKKEEP ones. */
    default boolean awaitForWrite(long timeout, TimeUnit unit) throws InterruptedException {
        return await(Usage.rw(true), timeout, unit);
    }

    /** Waits as a reader must: for writers and the kernel. */
    default boolean awaitForRead(long timeout, TimeUnit unit) throws InterruptedException {
        return await(Usage.rw(false), timeout, unit);
    }

    /**
     * A snapshot of the fences an access must wait for, as a sync file
     * (DMA_BUF_IOCTL_EXPORT_SYNC_FILE): {@link #SYNC_WRITE} gives readers,
     * writers and kernel fences; {@link #SYNC_READ} writers and kernel fences.
     * Fences added later are not in it. With no such fence it holds the
     * signalled stub.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for flags other than
     *         {@link #SYNC_READ} and {@link #SYNC_WRITE}, or neither
     */
    SyncFile exportSyncFile(int flags);

    /**
     * Adds the fences of a sync file (DMA_BUF_IOCTL_IMPORT_SYNC_FILE) with usage
     * WRITE when {@link #SYNC_WRITE} is set, READ otherwise. Only adds: a fence
     * already held is never replaced unless it has signalled.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for flags other than
     *         read/write, or neither, and for a null or foreign sync file
     */
    void importSyncFile(SyncFile syncFile, int flags);
}
