package pcmshare.core.api.driver;

import java.lang.foreign.MemorySegment;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;

/**
 * The core's side of an open substream, as a driver sees it (the kernel's
 * snd_pcm_substream and snd_pcm_runtime): the ring buffer, the parameters, the
 * card's clock and the period-elapsed callback.
 */
public interface PcmRuntime {

    String cardId();

    int device();

    Direction direction();

    int subdevice();

    /** The card's clock (the core's clock with the card's skew); pace the hardware on it. */
    Clock clock();

    /** The hardware parameters in force, or null before hw_params. */
    HwParams hwParams();

    /** The ring buffer, valid from {@link PcmOps#hwParams} to {@link PcmOps#hwFree}; null outside. */
    MemorySegment buffer();

    /** The ring buffer's shared memory; {@link SharedMemory#retain()} it to keep it past hwFree. */
    SharedMemory bufferMemory();

    /**
     * Tells the core the hardware finished a period (snd_pcm_period_elapsed): the
     * core reads {@link PcmOps#pointer()}, moves hw_ptr, detects xruns, ends a
     * drain and wakes waiters. Call from any thread except from within
     * {@link PcmOps#trigger}. Allocates nothing.
     */
    void periodElapsed();

    /** Stops the stream with XRUN, as snd_pcm_stop_xrun (the hardware detected it). */
    void xrun();

    /**
     * Stops the stream into {@code state} (snd_pcm_stop), when it is running:
     * SETUP, XRUN, or DRAINING for a capture whose source went away (the
     * application reads what is left, then the stream is in SETUP), as
     * snd-aloop does when the playback side of a cable changes its format. Its
     * whole link group stops. Call from any thread except from within
     * {@link PcmOps#trigger} or with a stream lock of another substream held;
     * does nothing when the stream is not running.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for another target state
     */
    default void stop(PcmState state) {
        throw new pcmshare.core.api.errno.ErrnoException(pcmshare.core.api.errno.Errno.ENOSYS, "stop", state(),
                state, "this runtime cannot stop into a chosen state");
    }

    /** The substream's state now. */
    PcmState state();

    /** The application pointer in [0, boundary): frames written (playback) or read (capture). */
    long applPtr();

    /** The hardware pointer in [0, boundary) as last updated. */
    long hwPtr();
}
