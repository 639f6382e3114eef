package pcmshare.core.api.fence;

import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;

/**
 * A point in time on a context (dma_fence): it signals exactly once, possibly
 * with an error that its producer set before signalling.
 *
 * <p>Fences of one context signal in seqno order. This view can only observe:
 * signalling belongs to the {@link Timeline} or {@link FenceSignaller} that made
 * the fence. Once a fence exists, waiting on it and signalling it allocate
 * nothing, and a signal unparks each waiting thread directly.
 */
public interface Fence {
    /** The context (timeline) this fence belongs to; 0 only for the stub. */
    long context();

    /** The position of this fence on its context. */
    long seqno();

    /** Pending, signalled, or signalled with an error. */
    FenceStatus status();

    /** True once signalled, with or without error. */
    boolean isSignalled();

    /**
     * The error the fence signalled with; null while it is pending (even if an
     * error has already been set) and when it signalled cleanly.
     */
    Errno error();

    /** {@link System#nanoTime()} at signalling, or 0 while pending. */
    long timestampNanos();

    /** Name of the timeline, as sync_file_info reports it. */
    String timelineName();

    /** Name of the maker, as sync_file_info reports it. */
    String driverName();

    /**
     * Registers a callback to run once when the fence signals
     * (dma_fence_add_callback).
     *
     * @return true when registered; false when the fence has already signalled,
     *         in which case the callback is not called (the kernel's -ENOENT)
     */
    boolean addCallback(FenceCallback callback);

    /**
     * Unregisters a callback (dma_fence_remove_callback).
     *
     * @return true when it was registered and will now not run; false when it
     *         was not registered or the fence has signalled (it has run, or is
     *         running)
     */
    boolean removeCallback(FenceCallback callback);

    /**
     * Waits until the fence signals or the timeout passes (dma_fence_wait_timeout).
     * A timeout of 0 only tests. The thread parks; it never spins.
     *
     * @return whether the fence has signalled
     */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;

    /** Waits without a time limit until the fence signals. */
    void await() throws InterruptedException;

    /** This fence as sync_file_info lists it. */
    FenceInfo info();
}
