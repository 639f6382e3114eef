package pcmshare.core.api.fence;

/**
 * Called once when a fence signals, on the thread that signals it. It must not
 * block: every other callback and waiter of the fence waits behind it.
 */
@FunctionalInterface
public interface FenceCallback {
    void signalled(Fence fence);
}
