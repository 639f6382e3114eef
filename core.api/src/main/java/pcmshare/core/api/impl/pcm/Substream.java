package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.OPEN;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamInfo;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.pcm.hw.HwRefiner;
import pcmshare.core.api.pcm.hw.HwSpace;

/**
 * One open substream: the kernel's struct snd_pcm_substream with its struct
 * snd_pcm_runtime, and the ioctl entry points of pcm_native.c
 * (snd_pcm_common_ioctl) that hand each request to the file that follows the
 * kernel function doing it: {@link PcmParams} (hw/sw params),
 * {@link PcmActions} (state changes), {@link PcmDrain}, {@link HwPtr} (pointer
 * update, xrun), {@link PlaybackSilence}, {@link Transfer} (read/write),
 * {@link MmapAccess}, {@link ApplPtr} (hwsync, rewind, forward, avail, delay),
 * {@link Waits}, {@link LinkGroups}, {@link StatusReport}, {@link Release}
 * (close, disconnect) and {@link DriverRuntime} (what the driver calls).
 * Everything runs under {@link #lock}, the stream lock, but the steady state of
 * a RUNNING stream: mmap begin and commit ({@link MmapSteadyState}) and read and
 * write ({@link TransferSteadyState}) work on the positions in
 * {@link PositionPages}, as alsa-lib works on the kernel's mapped status and
 * control pages. The driver's trigger and pointer are called with the lock held,
 * as the kernel calls them under the stream spinlock.
 *
 * <p>Where this differs from the kernel, on purpose: a draining capture may be
 * read (the kernel's own transfer loop expects it, but its entry check refuses
 * it), so a capture drain can be completed with read as well as with mmap; every
 * operation on a DISCONNECTED substream is EBADFD (the kernel swaps in file ops
 * that say ENODEV), while a drain that was waiting when the card went away says
 * ENODEV; a mismatched mmap commit is EPIPE as in alsa-lib; the buffer is copied
 * under the stream lock rather than with it dropped; when a card goes away, a
 * linked substream of another card stops into SETUP rather than DISCONNECTED
 * ({@link Release#disconnect}).
 */
final class Substream implements PcmSubstream {
    private static final AtomicLong SERIALS = new AtomicLong();

    /** Unique in the JVM; orders stream locks when a group takes several. */
    final long serial = SERIALS.incrementAndGet();

    final Card card;
    private final int device;
    final Direction direction;
    private final int subdevice;
    final HwConstraints constraints;
    final Clock clock;
    final MemoryAllocator allocator;
    final long pointerLimit;
    final boolean playback;
    /** The driver asked to hear of every appl_ptr move (SNDRV_PCM_INFO_SYNC_APPLPTR): no lock-free commit. */
    final boolean syncApplPtr;
    /** The driver's pointer moves a period at a time (BATCH): the status page is as good as asking it. */
    final boolean batch;

    final ReentrantLock lock = new ReentrantLock();
    /**
     * Threads asleep on this substream, in slots that stay put while they sleep;
     * guarded by {@link #lock}. A waiter registers its own thread and the waker
     * unparks it, so sleeping and waking allocate nothing (a Condition allocates
     * a node per await).
     */
    Thread[] sleepers = new Thread[4];
    /** Bumped under {@link #lock} by every wake-up; a sleeper leaves when it moved. */
    volatile int wakeups;
    /** Re-armed by the first waiter with a deadline, so a timed wait allocates nothing. */
    final Clock.Timer waitTimer;
    boolean waitTimerArmed;
    final DriverRuntime runtime = new DriverRuntime(this);
    final LinkView linkView = new LinkView(this);
    /** Written under {@link SubstreamGroup#LINKS}, the group lock and this stream lock; stable under any of them. */
    volatile SubstreamGroup group;
    /** The mode of calls made on the substream itself; a handle has its own ({@link SubstreamHandle}). */
    private volatile boolean nonBlocking;

    PcmOps ops;
    /** The card's constraints and the driver's rules, fixed at open (snd_pcm_hw_constraints_*). */
    HwRefiner refiner;
    boolean driverReleased;
    boolean closed;
    /** Set once close began: the handle refuses everything but close while it stops, unlinks and lets go. */
    volatile boolean closing;

    volatile PcmState state = OPEN;
    PcmState suspendedState = OPEN;

    /** Volatile for the lock-free {@link SubstreamView} view. */
    volatile HwParams hw;
    SharedMemory bufferMemory;
    MemorySegment buffer;
    MemorySegment silenceSource;
    /** Owns {@link #silenceSource}; closed when the setup goes. */
    java.lang.foreign.Arena silenceArena;
    long bufferSize;
    long periodSize;
    long boundary;
    int frameBytes;
    int sampleBytes;
    int channels;
    long bufferNanos;

    /**
     * state, hw_ptr, appl_ptr and avail_min, in shared memory as the kernel's
     * mmap status and control pages: read there without the stream lock by the
     * mmap path ({@link MmapAccess}), written by the core under it.
     */
    final PositionPages pages;
    /** hw_ptr, its base and interrupt positions, the update time, avail_max: the period path's own writes. */
    final HwPtrState ptrs = new HwPtrState();

    long startThreshold;
    /** Volatile: sw_params may change it while the lock-free mmap path reads it. */
    volatile long stopThreshold;
    long silenceThreshold;
    long silenceSize;
    long silenceStart;
    long silenceFilled;

    long triggerTimestamp;
    long xrunCount;
    long twake;
    int waiters;
    int mmapCount;
    /** {@link MmapSteadyState#area}'s records, one per period offset; replaced at hw_params. */
    MmapArea[] mmapAreas;
    /** Who opened it, for listings. */
    volatile String holder = "";
    /** Handles on this substream ({@link SubstreamHandle}); the last one to close closes it. */
    int handles = 1;

    static final ListenerSlot[] NO_PERIOD_LISTENERS = {};
    /** Copied on change so that the period path reads it without allocating. */
    volatile ListenerSlot[] periodListeners = NO_PERIOD_LISTENERS;
    /** Listeners registered on the substream itself rather than through a handle (the core's own tests). */
    final ListenerDispatch directListeners;

    Substream(Card card, int device, Direction direction, int subdevice, HwConstraints constraints,
            MemoryAllocator allocator, long pointerLimit, boolean nonBlocking) {
        this.card = card;
        this.device = device;
        this.direction = direction;
        this.subdevice = subdevice;
        this.constraints = constraints;
        this.clock = card.clock();
        this.allocator = allocator;
        this.pointerLimit = pointerLimit;
        this.playback = direction == Direction.PLAYBACK;
        this.syncApplPtr = constraints.has(PcmCapability.SYNC_APPLPTR);
        this.batch = constraints.has(PcmCapability.BATCH);
        this.nonBlocking = nonBlocking;
        this.pages = new PositionPages(allocator, "pcm-" + card.id() + "-" + device + (playback ? "p" : "c")
                + subdevice + "-positions");
        this.group = new SubstreamGroup(this);
        this.waitTimer = clock.newTimer(() -> Waits.wakeFromTimer(this));
        this.directListeners = new ListenerDispatch(this, "substream");
    }

    /** Second step of open: the driver gets its runtime and hands back its ops. */
    void attach(PcmOps driverOps) {
        this.ops = driverOps;
        this.refiner = HwRefiner.of(constraints, driverOps.hwRules());
    }

    PcmRuntime runtime() {
        return runtime;
    }

    // ---------------------------------------------------------------- identity

    @Override
    public String cardId() {
        return card.id();
    }

    @Override
    public int device() {
        return device;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public int subdevice() {
        return subdevice;
    }

    @Override
    public HwConstraints constraints() {
        return constraints;
    }

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        this.nonBlocking = nonBlocking;
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public String toString() {
        return "pcm:" + card.id() + "," + device + "," + (playback ? 'p' : 'c') + subdevice + "[" + state + "]";
    }

    // ---------------------------------------------------------------- errors

    ErrnoException refuse(Errno errno, String op, Object value, String detail) {
        return new ErrnoException(errno, op, state, value, detail + " (" + this.name() + ")");
    }

    String name() {
        return card.id() + "," + device + "," + (playback ? "playback" : "capture") + "#" + subdevice;
    }

    /** Every operation first: a closed handle is EBADF, a disconnected card EBADFD. */
    void checkUsable(String op) {
        if (closed || closing) {
            throw refuse(EBADF, op, null, "substream handle is closed");
        }
        if (state == DISCONNECTED) {
            throw refuse(EBADFD, op, card.id(), "card disconnected: its driver went away");
        }
    }

    RuntimeException driverFailure(String op, RuntimeException e) {
        if (e instanceof ErrnoException) {
            return e;
        }
        return new ErrnoException(EIO, op, state, null, "driver failed: " + e + " (" + name() + ")", e);
    }

    /**
     * Takes the stream lock, spinning briefly first: the critical sections are
     * short, and a contended {@link ReentrantLock#lock()} allocates a queue node
     * and parks where a few spins would have found the lock free.
     */
    void lockStream() {
        Waits.lockSpinning(lock);
    }

    /**
     * The group lock, then the stream lock: for an operation that may run a
     * group action in its middle (a transfer that starts the stream, a period
     * update or an xrun report that stops it, prepare, drain, disconnect), so
     * that {@link LinkGroups#lockGroup} never has to let go of the stream lock
     * under it. Waits for a link transaction of the group to finish telling the
     * drivers. Undone by {@link #unlockWithGroup()}.
     */
    void lockWithGroup() {
        LinkGroups.lockStreamAndGroup(this, 1, 1);
    }

    void unlockWithGroup() {
        // read under the stream lock: the group this thread holds
        SubstreamGroup g = group;
        lock.unlock();
        g.lock.unlock();
    }

    /** Every state change: the field, and the status page for readers without the lock. Under the stream lock. */
    void setState(PcmState next) {
        state = next;
        pages.publishState(next);
    }

    /** hw_ptr moved (under the stream lock): the core's copy, then the status page with a release store. */
    void publishHwPtr(long hwPtr) {
        ptrs.hwPtr = hwPtr;
        pages.publishHwPtr(hwPtr);
    }

    /** As {@link #publishHwPtr(long)}, with the time of the update for the status page's tstamp. */
    void publishHwPtr(long hwPtr, long nanos) {
        ptrs.hwPtr = hwPtr;
        pages.publishHwPtr(hwPtr, nanos);
    }

    /** snd_pcm_running. */
    boolean running() {
        PcmState s = state;
        return s == PcmState.RUNNING || (s == PcmState.DRAINING && playback);
    }

    // ---------------------------------------------------------------- parameters: PcmParams

    @Override
    public HwParams hwParams(HwParams p) {
        return PcmParams.hwParams(this, p);
    }

    @Override
    public HwSpace hwRefine(HwSpace space) {
        checkUsable("hw_refine");
        return refiner.refine(space);
    }

    @Override
    public HwParams hwParams() {
        lockStream();
        try {
            return hw;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void hwFree() {
        PcmParams.hwFree(this);
    }

    @Override
    public SwParams swParams(SwParams p) {
        return PcmParams.swParams(this, p);
    }

    @Override
    public SwParams swParams() {
        lockStream();
        try {
            return hw == null ? null : PcmParams.currentSwParams(this);
        } finally {
            lock.unlock();
        }
    }

    /** As snd_pcm_hw_params: see {@link PcmParams#boundary}. */
    static long boundary(long bufferSize, long limit) {
        return PcmParams.boundary(bufferSize, limit);
    }

    // ---------------------------------------------------------------- state changes: PcmActions, PcmDrain

    @Override
    public void prepare() {
        PcmActions.prepare(this);
    }

    @Override
    public void start() {
        PcmActions.start(this);
    }

    @Override
    public void drop() {
        PcmActions.drop(this);
    }

    @Override
    public void pause(boolean push) {
        PcmActions.pause(this, push);
    }

    @Override
    public void suspend() {
        PcmActions.suspend(this);
    }

    @Override
    public void resume() {
        PcmActions.resume(this);
    }

    @Override
    public void reset() {
        PcmActions.reset(this);
    }

    @Override
    public void drain() {
        PcmDrain.drain(this, nonBlocking);
    }

    /** Drain as a handle in the given O_NONBLOCK mode asks it. */
    void drain(boolean nonBlock) {
        PcmDrain.drain(this, nonBlock);
    }

    // ---------------------------------------------------------------- links: LinkGroups

    @Override
    public void link(PcmSubstream other) {
        LinkGroups.link(this, other);
    }

    @Override
    public void unlink() {
        LinkGroups.unlink(this, "unlink", false);
    }

    @Override
    public Set<SubstreamView> linkedWith() {
        return LinkGroups.linkedWith(this);
    }

    /** The read-only view partners and listeners get of this substream. */
    SubstreamView view() {
        return linkView;
    }

    /** This substream's group now (tests check the invariants with it). */
    SubstreamGroup group() {
        return group;
    }

    // ---------------------------------------------------------------- transfers: Transfer, MmapAccess, ApplPtr

    @Override
    public long write(MemorySegment src, long frames) {
        return write(src, frames, nonBlocking);
    }

    @Override
    public long write(MemorySegment[] channelData, long frames) {
        return write(channelData, frames, nonBlocking);
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        return read(dst, frames, nonBlocking);
    }

    @Override
    public long read(MemorySegment[] channelData, long frames) {
        return read(channelData, frames, nonBlocking);
    }

    // the same, as a handle in the given O_NONBLOCK mode asks them

    long write(MemorySegment src, long frames, boolean nonBlock) {
        return Transfer.xfer(this, src, null, frames, true, "write", nonBlock);
    }

    long write(MemorySegment[] channelData, long frames, boolean nonBlock) {
        return Transfer.xfer(this, null, channelData, frames, false, "write", nonBlock);
    }

    long read(MemorySegment dst, long frames, boolean nonBlock) {
        return Transfer.xfer(this, dst, null, frames, true, "read", nonBlock);
    }

    long read(MemorySegment[] channelData, long frames, boolean nonBlock) {
        return Transfer.xfer(this, null, channelData, frames, false, "read", nonBlock);
    }

    @Override
    public PcmMapping map() {
        return MmapAccess.map(this);
    }

    @Override
    public MmapArea mmapBegin(long frames) {
        return MmapAccess.begin(this, frames);
    }

    @Override
    public long mmapCommit(long offset, long frames) {
        return MmapAccess.commit(this, offset, frames);
    }

    /** snd_pcm_rewind: takes back frames the hardware has not consumed (playback) or produced (capture). */
    @Override
    public long rewind(long frames) {
        return ApplPtr.move(this, "rewind", frames, false);
    }

    /** snd_pcm_forward: skips frames that are available, as if written (playback) or read (capture). */
    @Override
    public long forward(long frames) {
        return ApplPtr.move(this, "forward", frames, true);
    }

    @Override
    public void hwsync() {
        ApplPtr.hwsync(this);
    }

    // ---------------------------------------------------------------- waits: Waits

    @Override
    public boolean waitAvail(long timeoutNanos) {
        return Waits.waitAvail(this, timeoutNanos);
    }

    /** Number of threads waiting on this substream now (tests use it to know a caller blocked). */
    int waiters() {
        lockStream();
        try {
            return waiters;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- status: StatusReport, ApplPtr

    @Override
    public PcmState state() {
        return state;
    }

    @Override
    public PcmStatus status() {
        return StatusReport.status(this);
    }

    @Override
    public long avail() {
        return ApplPtr.avail(this);
    }

    @Override
    public long availUpdate() {
        return ApplPtr.availUpdate(this);
    }

    @Override
    public long delay() {
        return ApplPtr.delay(this);
    }

    void holder(String who) {
        this.holder = who == null ? "" : who;
    }

    /** What a listing shows of this substream, or null once closed: {@link StatusReport#info}. */
    SubstreamInfo info() {
        return StatusReport.info(this);
    }

    // ---------------------------------------------------------------- period listeners: DriverRuntime

    @Override
    public void addPeriodListener(PeriodListener listener) {
        directListeners.add(listener, "add_period_listener");
    }

    @Override
    public boolean removePeriodListener(PeriodListener listener) {
        return directListeners.remove(listener);
    }

    // ---------------------------------------------------------------- handles, close, disconnect: Release

    /** One more handle on this open substream (O_APPEND): no new open. */
    void retainHandle() {
        Release.retainHandle(this);
    }

    /** One handle fewer; the last one really closes the substream. */
    void releaseHandle() {
        Release.releaseHandle(this);
    }

    /** Open handles on this substream. */
    int handles() {
        lockStream();
        try {
            return handles;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Release.close(this);
    }

    /** The card went away: the stream stops and the driver is let go; the buffer stays until close. */
    void disconnect() {
        Release.disconnect(this);
    }
}
