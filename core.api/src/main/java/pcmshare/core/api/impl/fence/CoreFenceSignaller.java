package pcmshare.core.api.impl.fence;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceSignaller;

/** Holds the only way to signal a standalone fence; the fence itself cannot. */
final class CoreFenceSignaller implements FenceSignaller {
    private final CoreFence fence;

    CoreFenceSignaller(String name) {
        this.fence = new CoreFence(new Object(), FenceContexts.allocate(), 1, name, "pcmshare");
    }

    @Override
    public Fence fence() {
        return fence;
    }

    @Override
    public void setError(Errno error) {
        fence.setError(error);
    }

    @Override
    public boolean signal() {
        return fence.signalNow();
    }

    @Override
    public String toString() {
        return "signaller of " + fence;
    }
}
