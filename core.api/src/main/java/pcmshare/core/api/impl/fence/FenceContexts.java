package pcmshare.core.api.impl.fence;

import java.util.concurrent.atomic.AtomicLong;

/** dma_fence_context_alloc: unique contexts for the whole framework; 0 is the stub's. */
final class FenceContexts {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private FenceContexts() {
    }

    static long allocate() {
        return NEXT.getAndIncrement();
    }
}
