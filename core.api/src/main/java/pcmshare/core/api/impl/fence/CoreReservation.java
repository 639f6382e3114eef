package pcmshare.core.api.impl.fence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;

/** dma_resv: a list of (fence, usage) slots, guarded by one lock. */
final class CoreReservation implements Reservation {
    private final Object lock = new Object();
    // guarded by lock
    private CoreFence[] fences = new CoreFence[4];
    private Usage[] usages = new Usage[4];
    private int count;

    @Override
    public void addFence(Fence fence, Usage usage) {
        if (usage == null) {
            throw new ErrnoException(Errno.EINVAL, "add_fence", null, fence, "usage is null");
        }
        CoreFence own = checked("add_fence", fence);
        synchronized (lock) {
            for (CoreFence part : own.parts()) {
                addLocked(part, usage, true);
            }
        }
    }

    /**
     * dma_resv_add_fence's rule. With {@code replacePending} false only slots of
     * signalled fences are reused: nothing pending is ever displaced.
     */
    private void addLocked(CoreFence fence, Usage usage, boolean replacePending) {
        for (int i = 0; i < count; i++) {
            CoreFence old = fences[i];
            boolean sameContextNotStronger = replacePending
                    && old.context() == fence.context()
                    && usages[i].ordinal() >= usage.ordinal()
                    && fence.isLaterOrSame(old);
            if (sameContextNotStronger || old.isSignalled()) {
                fences[i] = fence;
                usages[i] = usage;
                return;
            }
        }
        if (count == fences.length) {
            fences = Arrays.copyOf(fences, count * 2);
            usages = Arrays.copyOf(usages, count * 2);
        }
        fences[count] = fence;
        usages[count] = usage;
        count++;
    }

    @Override
    public List<Fence> fences(Usage usage) {
        requireUsage("get_fences", usage);
        synchronized (lock) {
            List<Fence> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                if (usage.includes(usages[i])) {
                    out.add(fences[i]);
                }
            }
            return out;
        }
    }

    @Override
    public Usage usageOf(Fence fence) {
        synchronized (lock) {
            Usage strongest = null;
            for (int i = 0; i < count; i++) {
                if (fences[i] == fence && (strongest == null || strongest.includes(usages[i]))) {
                    strongest = usages[i];
                }
            }
            return strongest;
        }
    }

    @Override
    public boolean isSignalled(Usage usage) {
        requireUsage("test_signaled", usage);
        synchronized (lock) {
            return firstPendingLocked(usage) == null;
        }
    }

    @Override
    public boolean await(Usage usage, long timeout, TimeUnit unit) throws InterruptedException {
        requireUsage("wait_timeout", usage);
        long nanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        while (true) {
            CoreFence next;
            synchronized (lock) {
                next = firstPendingLocked(usage);
            }
            if (next == null) {
                return true;
            }
            long remaining = nanos - (System.nanoTime() - start);
            if (remaining <= 0 || !next.await(remaining, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
    }

    private CoreFence firstPendingLocked(Usage usage) {
        for (int i = 0; i < count; i++) {
            if (usage.includes(usages[i]) && !fences[i].isSignalled()) {
                return fences[i];
            }
        }
        return null;
    }

    @Override
    public SyncFile exportSyncFile(int flags) {
        checkFlags("export_sync_file", flags);
        List<CoreFence> snapshot = new ArrayList<>();
        Usage usage = Usage.rw((flags & SYNC_WRITE) != 0);
        synchronized (lock) {
            for (int i = 0; i < count; i++) {
                if (usage.includes(usages[i])) {
                    snapshot.add(fences[i]);
                }
            }
        }
        return CoreSyncFile.of("dma_buf_export", snapshot);
    }

    @Override
    public void importSyncFile(SyncFile syncFile, int flags) {
        checkFlags("import_sync_file", flags);
        List<CoreFence> imported = CoreSyncFile.fencesOf(syncFile);
        if (imported == null) {
            throw new ErrnoException(Errno.EINVAL, "import_sync_file", null, syncFile,
                    syncFile == null ? "no sync file" : "not a pcmshare sync file");
        }
        Usage usage = (flags & SYNC_WRITE) != 0 ? Usage.WRITE : Usage.READ;
        synchronized (lock) {
            for (CoreFence f : imported) {
                addLocked(f, usage, false);
            }
        }
    }

    private static void checkFlags(String operation, int flags) {
        if ((flags & ~SYNC_RW) != 0) {
            throw new ErrnoException(Errno.EINVAL, operation, null, flags,
                    "flags other than SYNC_READ and SYNC_WRITE");
        }
        if ((flags & SYNC_RW) == 0) {
            throw new ErrnoException(Errno.EINVAL, operation, null, flags,
                    "neither SYNC_READ nor SYNC_WRITE");
        }
    }

    private static void requireUsage(String operation, Usage usage) {
        if (usage == null) {
            throw new ErrnoException(Errno.EINVAL, operation, null, null, "usage is null");
        }
    }

    /** Only pcmshare's own fences: a foreign one could claim to be signalled when it is not. */
    static CoreFence checked(String operation, Fence fence) {
        if (fence instanceof CoreFence own) {
            return own;
        }
        throw new ErrnoException(Errno.EINVAL, operation, null, fence,
                fence == null ? "fence is null" : "not a fence made by pcmshare");
    }

    @Override
    public String toString() {
        synchronized (lock) {
            StringBuilder b = new StringBuilder("reservation[");
            for (int i = 0; i < count; i++) {
                b.append(i == 0 ? "" : ", ").append(usages[i]).append('=').append(fences[i]);
            }
            return b.append(']').toString();
        }
    }
}
