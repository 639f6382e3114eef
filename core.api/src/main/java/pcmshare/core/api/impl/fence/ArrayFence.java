package pcmshare.core.api.impl.fence;

import java.util.List;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceCallback;

/**
 * dma_fence_array: one fence on a context of its own that signals once all its
 * parts have, with the first error a part signalled with.
 */
final class ArrayFence extends CoreFence {
    private final List<CoreFence> parts;
    // a separate object, so that holders of this fence cannot reach it and count parts down
    private final FenceCallback onPart = this::partSignalled;
    // guarded by lock
    private int pending;
    private Errno firstError;

    private ArrayFence(String name, List<CoreFence> parts) {
        super(new Object(), FenceContexts.allocate(), 1, name, "pcmshare");
        this.parts = List.copyOf(parts);
        this.pending = parts.size();
    }

    /** A combined fence over {@code parts}, which are plain fences of distinct contexts. */
    static ArrayFence over(String name, List<CoreFence> parts) {
        ArrayFence fence = new ArrayFence(name, parts);
        for (CoreFence part : fence.parts) {
            if (!part.addCallback(fence.onPart)) {
                fence.partSignalled(part);
            }
        }
        return fence;
    }

    @Override
    List<CoreFence> parts() {
        return parts;
    }

    private void partSignalled(Fence part) {
        synchronized (lock) {
            if (firstError == null) {
                firstError = part.error();
            }
            if (--pending > 0) {
                return;
            }
            markSignalledLocked(firstError);
        }
        rethrow(runSignalled(null));
    }
}
