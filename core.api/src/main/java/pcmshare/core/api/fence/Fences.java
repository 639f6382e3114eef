package pcmshare.core.api.fence;

import java.util.Arrays;
import java.util.List;

/**
 * Makes fences, timelines, sync files and reservations. Registered as a service
 * by core.api; fences made by one instance work with every other.
 */
public interface Fences {
    /** A new sw_sync-style timeline on a context of its own, at value 0. */
    Timeline newTimeline(String name);

    /** A single pending fence on a context of its own, with the right to signal it. */
    FenceSignaller newFence(String name);

    /** The fence that is always signalled (dma_fence_get_stub): context 0, seqno 0. */
    Fence signalledStub();

    /**
     * A sync file over the given fences (sync_file_create), one per context,
     * the later seqno kept. With no fences it holds the signalled stub.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for a null or
     *         foreign fence
     */
    SyncFile syncFile(String name, List<? extends Fence> fences);

    /** {@link #syncFile(String, List)} for a fixed set. */
    default SyncFile syncFile(String name, Fence... fences) {
        // Arrays.asList keeps null elements, so the refusal names them rather than an NPE
        return syncFile(name, Arrays.asList(fences));
    }

    /**
     * {@link SyncFile#merge(String, SyncFile)} of {@code a} and {@code b}.
     *
     * @throws pcmshare.core.api.errno.ErrnoException ENOENT when either is null
     *         or not a pcmshare sync file
     */
    SyncFile merge(String name, SyncFile a, SyncFile b);

    /** A new, empty reservation. */
    Reservation newReservation();
}
