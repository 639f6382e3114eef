package pcmshare.core.api.fence;

/**
 * What dma_fence_get_status() reports: 0 while pending, 1 once signalled, a
 * negative errno once signalled with an error.
 */
public enum FenceStatus {
    /** Not signalled yet. */
    PENDING,
    /** Signalled without error. */
    SIGNALLED,
    /** Signalled, with the error that was set before signalling. */
    ERROR;

    /** True for {@link #SIGNALLED} and {@link #ERROR}: the fence will not change any more. */
    public boolean isSignalled() {
        return this != PENDING;
    }
}
