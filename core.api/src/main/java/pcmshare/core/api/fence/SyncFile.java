package pcmshare.core.api.fence;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A set of fences, at most one per context, that signals when all of them have
 * (sync_file). Immutable: merging makes a new one.
 */
public interface SyncFile {
    /** The name given at creation or merge. */
    String name();

    /**
     * The single fence that stands for the whole set: the fence itself when the
     * set has one, otherwise a fence on a context of its own that signals after
     * every fence of the set, with the first error any of them reported.
     */
    Fence fence();

    /** The fences of the set, one per context, sorted by context. */
    List<Fence> fences();

    /** Pending until every fence has signalled. */
    FenceStatus status();

    /** Waits for every fence; see {@link Fence#await(long, TimeUnit)}. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;

    /** The set as SYNC_IOC_FILE_INFO reports it. */
    SyncFileInfo info();

    /**
     * A new sync file with the fences of both (SYNC_IOC_MERGE): for each
     * context, the later of the two fences. Merging with itself is allowed.
     *
     * @throws pcmshare.core.api.errno.ErrnoException ENOENT when {@code other}
     *         is null or not a sync file made by pcmshare, as the kernel answers
     *         a merge with a descriptor that is not a sync file
     */
    SyncFile merge(String name, SyncFile other);
}
