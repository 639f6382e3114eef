package pcmshare.core.api.impl.fence;

/** dma_fence_get_stub: one fence, signalled from the start, on context 0. */
final class StubFence {
    static final CoreFence STUB = create();

    private StubFence() {
    }

    private static CoreFence create() {
        CoreFence stub = new CoreFence(new Object(), 0, 0, "stub", "stub");
        synchronized (stub.lock) {
            stub.markSignalledLocked(null);
        }
        return stub;
    }
}
