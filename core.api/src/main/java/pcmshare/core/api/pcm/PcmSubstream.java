package pcmshare.core.api.pcm;

import java.lang.foreign.MemorySegment;
import java.util.Set;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.hw.HwNegotiation;
import pcmshare.core.api.pcm.hw.HwSpace;

/**
 * An open substream: the application's handle, as an ALSA PCM file descriptor
 * with its ioctls. Every refused call throws
 * {@link pcmshare.core.api.errno.ErrnoException} with ALSA's errno: EBADFD for
 * an operation the state does not allow, EPIPE after an xrun, ESTRPIPE while
 * suspended, EBUSY, EINVAL, ENOSYS, EAGAIN (non-blocking), EIO (the hardware
 * stopped moving). Once the card goes away the state is DISCONNECTED and every
 * operation but {@link #state()}, {@link #status()} and {@link #close()} is EBADFD.
 *
 * <p>Thread-safe. Blocking calls wait on the card's clock.
 */
public interface PcmSubstream extends AutoCloseable {

    String cardId();

    int device();

    Direction direction();

    /** The substream number within its device and direction. */
    int subdevice();

    /** What this substream's hardware accepts. */
    HwConstraints constraints();

    /**
     * Non-blocking mode (O_NONBLOCK): transfers and drain return EAGAIN instead of
     * waiting. The mode is this handle's, as the kernel keeps it per open file: a
     * {@link #dup()} starts in its parent's mode and changes only its own.
     */
    void setNonBlocking(boolean nonBlocking);

    boolean isNonBlocking();

    // ---- parameters -------------------------------------------------------

    /**
     * Sets hardware parameters (SNDRV_PCM_IOCTL_HW_PARAMS): allocates the ring
     * buffer, installs default software parameters and moves to SETUP. Only in
     * OPEN, SETUP or PREPARED (else EBADFD) and not while mapped (EBADFD); a value
     * the hardware does not accept is EINVAL naming the parameter and its range.
     * On failure the substream is back in OPEN.
     *
     * @return the parameters now in force
     */
    HwParams hwParams(HwParams params);

    /**
     * Refines a hardware-parameter space (SNDRV_PCM_IOCTL_HW_REFINE): narrows
     * {@code space} to the configurations this substream can take, by the
     * kernel's rules and the card's constraints, starting from the parameters
     * its rmask names, as alsa-lib asks a card about twenty times per open. The
     * substream does not change; any state but a closed handle (EBADF) or a
     * disconnected card (EBADFD). EINVAL names the parameter that became empty.
     * See {@link pcmshare.core.api.pcm.hw.HwNegotiation} for alsa-lib's steps
     * (set_rate_near, ...) on top of it.
     */
    HwSpace hwRefine(HwSpace space);

    /**
     * Sets hardware parameters from a space, as alsa-lib's snd_pcm_hw_params:
     * refines it, chooses one configuration (snd_pcm_hw_params_choose: the
     * first access, format, channels and rate, a period above 5 ms where
     * possible, the largest buffer, the smallest period) and installs it with
     * {@link #hwParams(HwParams)}. {@code hwParams(HwSpace.of(p))} is
     * {@code hwParams(p)}.
     *
     * @return the parameters now in force
     */
    default HwParams hwParams(HwSpace space) {
        return new HwNegotiation(this::hwRefine, space).install(this);
    }

    /** The hardware parameters in force, or null in OPEN. */
    HwParams hwParams();

    /** Frees the hardware setup (SNDRV_PCM_IOCTL_HW_FREE): back to OPEN. Only in SETUP or PREPARED, not while mapped. */
    void hwFree();

    /**
     * Sets software parameters (SNDRV_PCM_IOCTL_SW_PARAMS); not in OPEN (EBADFD).
     * {@code boundary} is ignored on input.
     *
     * @return the parameters now in force, with the boundary
     */
    SwParams swParams(SwParams params);

    /** The software parameters in force (after hardware parameters), or null in OPEN. */
    SwParams swParams();

    // ---- state changes ------------------------------------------------------

    /** Prepares for start (SNDRV_PCM_IOCTL_PREPARE): pointers to 0, state PREPARED. EBUSY while running. */
    void prepare();

    /** Starts (SNDRV_PCM_IOCTL_START): only from PREPARED (EBADFD); playback with nothing queued is EPIPE. */
    void start();

    /** Stops at once, dropping pending frames (SNDRV_PCM_IOCTL_DROP): to SETUP. */
    void drop();

    /**
     * Drains (SNDRV_PCM_IOCTL_DRAIN). Playback: plays out what is queued, then
     * SETUP; blocks until then (non-blocking: EAGAIN at once, state DRAINING).
     * Capture: stops; what is left can still be read, then SETUP.
     * EIO when the hardware stops moving, ESTRPIPE when suspended meanwhile.
     */
    void drain();

    /** Pause push (true) or release (false) (SNDRV_PCM_IOCTL_PAUSE); ENOSYS without the driver's PAUSE capability. */
    void pause(boolean push);

    /** Suspends as power management does; resume or prepare afterwards. EBUSY in OPEN, SETUP or SUSPENDED. */
    void suspend();

    /** Resumes (SNDRV_PCM_IOCTL_RESUME) to the state before suspend; only in SUSPENDED; ENOSYS without RESUME capability. */
    void resume();

    /** Resets the pointers (SNDRV_PCM_IOCTL_RESET): appl_ptr = hw_ptr, nothing queued. */
    void reset();

    // ---- links -------------------------------------------------------------

    /**
     * Links {@code other} to this substream (SNDRV_PCM_IOCTL_LINK): from then on
     * start, drop, pause, prepare, reset, drain, suspend and resume on any member
     * of the group act on every member at once, checked on all first, undone on
     * all when one fails, with one trigger timestamp; an xrun stops them all.
     * This substream may already be in a group ({@code other} joins it); the
     * two may belong to different cards and drivers. The drivers are told the new
     * links ({@code PcmOps.linkChanged}) before this returns.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL when {@code other} is
     *         this substream; EBADFD when this substream is in OPEN, when the two
     *         states differ, when {@code other} is closed (as the kernel answers a
     *         bad fd), or when it is not a handle this core opened (a restricted
     *         handle such as an anondup dup cannot be linked); EALREADY when
     *         {@code other} is already linked; EBADF when this handle is closed
     */
    void link(PcmSubstream other);

    /**
     * Takes this substream out of its group (SNDRV_PCM_IOCTL_UNLINK); a group
     * left with one member is dissolved. Closing a substream unlinks it.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EALREADY when it is not linked
     */
    void unlink();

    /** The other members of this substream's group, in a fixed order; empty when it is not linked. */
    Set<SubstreamView> linkedWith();

    // ---- transfers ----------------------------------------------------------

    /**
     * Writes interleaved frames from {@code src} (SNDRV_PCM_IOCTL_WRITEI_FRAMES),
     * blocking until all are queued unless non-blocking. Playback starts by itself
     * when the start threshold is reached.
     *
     * @return frames written (less than asked only when interrupted by an error after some were written, or non-blocking)
     */
    long write(MemorySegment src, long frames);

    /** Writes non-interleaved frames, one segment per channel (a null segment writes silence). */
    long write(MemorySegment[] channels, long frames);

    /** Reads interleaved frames into {@code dst} (SNDRV_PCM_IOCTL_READI_FRAMES). */
    long read(MemorySegment dst, long frames);

    /** Reads non-interleaved frames, one segment per channel. */
    long read(MemorySegment[] channels, long frames);

    /** Maps the ring buffer (mmap of the data area); needs MMAP access and hardware parameters. */
    PcmMapping map();

    /**
     * The contiguous area the application may write (playback) or read
     * (capture) now, at most {@code frames} (snd_pcm_mmap_begin). While the
     * stream runs it counts the room from the positions as the last period left
     * them, as alsa-lib reads the mapped status page, without asking the driver
     * or taking the stream lock: short of room it answers fewer frames, or none.
     * {@link #avail()} or {@link #hwsync()} first asks the driver where it is
     * between two periods.
     */
    MmapArea mmapBegin(long frames);

    /**
     * Hands {@code frames} frames at {@code offset} to the hardware (playback) or
     * gives them back (capture): advances appl_ptr (snd_pcm_mmap_commit). Like
     * the kernel it does not start the stream; call {@link #start()}.
     *
     * @return frames committed
     */
    long mmapCommit(long offset, long frames);

    /** Moves appl_ptr back over frames not yet processed by the hardware; returns frames moved. */
    long rewind(long frames);

    /** Moves appl_ptr forward over available frames; returns frames moved. */
    long forward(long frames);

    /**
     * Waits until at least avail_min frames are available (snd_pcm_wait), at most
     * {@code timeoutNanos} on the card's clock (negative: forever).
     *
     * @return true when available, false on timeout
     */
    boolean waitAvail(long timeoutNanos);

    // ---- status ---------------------------------------------------------------

    /** Synchronises hw_ptr with the hardware (SNDRV_PCM_IOCTL_HWSYNC). */
    void hwsync();

    PcmState state();

    /** A snapshot of the substream (SNDRV_PCM_IOCTL_STATUS); available in every state. */
    PcmStatus status();

    /** Frames available to write (playback) or read (capture), after synchronising with the hardware. */
    long avail();

    /**
     * Frames available as the last period left them, without asking the driver
     * (alsa-lib's snd_pcm_avail_update on the mapped status page): what an
     * application polls between its waits. In the steady state (RUNNING, no
     * xrun due) it reads the status and control pages and takes no lock. A
     * RUNNING stream whose avail reached stop_threshold is stopped with XRUN
     * and refused EPIPE, as alsa-lib's SNDRV_PCM_IOCTL_XRUN then -EPIPE; the
     * refusals are otherwise those of {@link #avail()}.
     *
     * <p>The default asks the hardware, as {@link #avail()} does.
     */
    default long availUpdate() {
        return avail();
    }

    /** Frames between the application pointer and the hardware (SNDRV_PCM_IOCTL_DELAY). */
    long delay();

    // ---- period listeners ------------------------------------------------------

    /**
     * Registers a listener told of each period-elapsed update and of each stop, on
     * this handle's own listener thread, never on the thread that paces the
     * hardware nor under the stream lock ({@link PeriodListener} says when calls
     * come and what a slow or failing listener affects: only its own handle's
     * listeners). Registering the same listener twice has no effect.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EBADF when closed, EBADFD
     *         when disconnected, ENOSYS when this implementation has no period hook
     */
    default void addPeriodListener(PeriodListener listener) {
        throw new ErrnoException(Errno.ENOSYS, "add_period_listener",
                state(), listener, "this substream implementation reports no periods");
    }

    /** Unregisters a listener; allowed in every state, also after close. Returns whether it was registered. */
    default boolean removePeriodListener(PeriodListener listener) {
        return false;
    }

    // ---- handles ----------------------------------------------------------------

    /**
     * Another handle on this same open substream, as the kernel's O_APPEND open of
     * a substream that is already open: no new open, no new hardware parameters;
     * both handles see one runtime, one buffer, one state. The substream stays
     * open, with its runtime and buffer, until the last handle on it is closed;
     * a disconnect affects every handle. Closing one handle never affects another.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EBADF when this handle is closed,
     *         EBADFD when the card went away, ENOSYS when this kind of handle cannot be duplicated
     */
    default PcmSubstream dup() {
        throw new ErrnoException(Errno.ENOSYS, "dup", state(),
                getClass().getName(), "this handle cannot be duplicated");
    }

    /**
     * Closes this handle. The last handle on the substream drops it (every member
     * of its group, as ALSA does), unlinks it, frees the hardware setup and gives
     * the substream back to its card. Idempotent.
     */
    @Override
    void close();
}
