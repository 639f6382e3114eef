package pcmshare.core.api.fence;

import pcmshare.core.api.errno.Errno;

/**
 * The right to signal one fence, kept by whoever does the work it stands for.
 * Consumers get {@link #fence()} only, which cannot signal.
 */
public interface FenceSignaller {
    /** The fence this signaller controls. */
    Fence fence();

    /**
     * Sets the error the fence will report once signalled (dma_fence_set_error).
     * The error stays invisible until {@link #signal()}.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when the fence has
     *         already signalled or the error is null
     */
    void setError(Errno error);

    /**
     * Signals the fence (dma_fence_signal): wakes its waiters and runs its
     * callbacks on this thread.
     *
     * @return true when this call signalled it; false when it had signalled
     *         already (the kernel's -EINVAL)
     */
    boolean signal();
}
