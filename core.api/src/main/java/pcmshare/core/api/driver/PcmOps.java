package pcmshare.core.api.driver;

import pcmshare.core.api.pcm.HwParams;

/**
 * What the core calls on one open substream, as the kernel's snd_pcm_ops.
 *
 * <p>{@link #trigger} and {@link #pointer} are called with the substream's lock
 * held, from application threads and from {@link PcmRuntime#periodElapsed()}:
 * they must not block and must not wait for a thread that is itself calling
 * into the same substream (report progress from another thread, or from within
 * the call: the lock is reentrant). The other ops may block briefly.
 * Failures are reported by throwing
 * {@link pcmshare.core.api.errno.ErrnoException}.
 */
public interface PcmOps {

    /** {@link #pointer()} result meaning the hardware lost its position: the core stops with XRUN. */
    long POINTER_XRUN = -1;

    /** Hardware parameters were chosen; the buffer is in {@link PcmRuntime#buffer()}. May be called again without hwFree. */
    default void hwParams(HwParams params) {
    }

    /** The hardware setup is released; the buffer goes away after this. */
    default void hwFree() {
    }

    /** Get ready to start from position 0 (called on every prepare). */
    default void prepare() {
    }

    /** Start, stop, pause, suspend or resume the hardware. Must not block. */
    void trigger(Trigger command);

    /** The hardware position in frames within the buffer, in [0, buffer size), or {@link #POINTER_XRUN}. Must not block. */
    long pointer();

    /** The substream is closed; the driver lets go of the runtime. */
    default void close() {
    }
}
