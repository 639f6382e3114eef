package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EAGAIN;
import static pcmshare.core.api.errno.Errno.EALREADY;
import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EBUSY;
import static pcmshare.core.api.errno.Errno.EINTR;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.errno.Errno.ENODEV;
import static pcmshare.core.api.errno.Errno.ENOSYS;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.errno.Errno.ESTRPIPE;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.PREPARED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;
import static pcmshare.core.api.pcm.PcmState.SETUP;
import static pcmshare.core.api.pcm.PcmState.SUSPENDED;
import static pcmshare.core.api.pcm.PcmState.XRUN;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.Trigger;
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
 * One open substream: ALSA's state machine (pcm_native.c) and ring buffer
 * (pcm_lib.c) over the driver's {@link PcmOps}. Everything below runs under
 * {@link #lock}, the stream lock; the driver's trigger and pointer are called
 * with it held, as the kernel calls them under the stream spinlock.
 *
 * <p>Where this differs from the kernel, on purpose: a draining capture may be
 * read (the kernel's own transfer loop expects it, but its entry check refuses
 * it), so a capture drain can be completed with read as well as with mmap; every
 * operation on a DISCONNECTED substream is EBADFD (the kernel swaps in file ops
 * that say ENODEV), while a drain that was waiting when the card went away says
 * ENODEV; a mismatched mmap commit is EPIPE as in alsa-lib; the buffer is copied
 * under the stream lock rather than with it dropped.
 */
final class Substream implements PcmSubstream {
    /** The transfer wait gives up after this long without progress (pcm_lib.c wait_for_avail: 10 s). */
    private static final long XFER_TIMEOUT_NANOS = 10_000_000_000L;
    /** Drain gives up after at least this long without a period (pcm_native.c snd_pcm_drain: 100 ms). */
    private static final long DRAIN_MIN_TIMEOUT_NANOS = 100_000_000L;
    /** Slack of the double-acknowledged interrupt check, in place of the kernel's one jiffy. */
    private static final long INTERRUPT_SLACK_NANOS = 1_000_000L;
    /** Tries of a free stream lock before queueing for it (a few hundred nanoseconds to a few microseconds). */
    private static final int LOCK_SPINS = 100;
    private static final AtomicLong SERIALS = new AtomicLong();

    /** Unique in the JVM; orders stream locks when a group takes several. */
    final long serial = SERIALS.incrementAndGet();

    private final Card card;
    private final int device;
    private final Direction direction;
    private final int subdevice;
    private final HwConstraints constraints;
    private final Clock clock;
    private final MemoryAllocator allocator;
    private final long pointerLimit;
    private final boolean playback;

    final ReentrantLock lock = new ReentrantLock();
    /**
     * Threads asleep on this substream, in slots that stay put while they sleep;
     * guarded by {@link #lock}. A waiter registers its own thread and the waker
     * unparks it, so sleeping and waking allocate nothing (a Condition allocates
     * a node per await).
     */
    private Thread[] sleepers = new Thread[4];
    /** Bumped under {@link #lock} by every wake-up; a sleeper leaves when it moved. */
    private volatile int wakeups;
    /** Re-armed by the first waiter with a deadline, so a timed wait allocates nothing. */
    private final Clock.Timer waitTimer;
    private boolean waitTimerArmed;
    private final DriverRuntime runtime = new DriverRuntime();
    private final LinkView linkView = new LinkView();
    /** Written under {@link SubstreamGroup#LINKS}, the group lock and this stream lock; stable under any of them. */
    private volatile SubstreamGroup group;
    private volatile boolean nonBlocking;

    private PcmOps ops;
    /** The card's constraints and the driver's rules, fixed at open (snd_pcm_hw_constraints_*). */
    private HwRefiner refiner;
    private boolean driverReleased;
    private boolean closed;
    /** Set once close began: the handle refuses everything but close while it stops, unlinks and lets go. */
    private volatile boolean closing;

    private volatile PcmState state = OPEN;
    private PcmState suspendedState = OPEN;

    /** Volatile for the lock-free {@link SubstreamView} view. */
    private volatile HwParams hw;
    private SharedMemory bufferMemory;
    private MemorySegment buffer;
    private MemorySegment silenceSource;
    private long bufferSize;
    private long periodSize;
    private long boundary;
    private int frameBytes;
    private int sampleBytes;
    private int channels;
    private long bufferNanos;

    private volatile long hwPtr;
    private volatile long applPtr;
    private long hwPtrBase;
    private long hwPtrInterrupt;
    private long hwPtrTime;

    private long availMin;
    private long startThreshold;
    private long stopThreshold;
    private long silenceThreshold;
    private long silenceSize;
    private long silenceStart;
    private long silenceFilled;

    private long triggerTimestamp;
    private long availMax;
    private long xrunCount;
    private long twake;
    private int waiters;
    private int mmapCount;
    /** Who opened it, for listings. */
    private volatile String holder = "";
    /** Handles on this substream ({@link SubstreamHandle}); the last one to close closes it. */
    private int handles = 1;

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
        this.nonBlocking = nonBlocking;
        this.group = new SubstreamGroup(this);
        this.waitTimer = clock.newTimer(this::wakeFromTimer);
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

    private ErrnoException refuse(Errno errno, String op, Object value, String detail) {
        return new ErrnoException(errno, op, state, value, detail + " (" + this.name() + ")");
    }

    private String name() {
        return card.id() + "," + device + "," + (playback ? "playback" : "capture") + "#" + subdevice;
    }

    /** Every operation first: a closed handle is EBADF, a disconnected card EBADFD. */
    private void checkUsable(String op) {
        if (closed || closing) {
            throw refuse(EBADF, op, null, "substream handle is closed");
        }
        if (state == DISCONNECTED) {
            throw refuse(EBADFD, op, card.id(), "card disconnected: its driver went away");
        }
    }

    private RuntimeException driverFailure(String op, RuntimeException e) {
        if (e instanceof ErrnoException) {
            return e;
        }
        return new ErrnoException(EIO, op, state, null, "driver failed: " + e + " (" + name() + ")", e);
    }

    // ---------------------------------------------------------------- hw/sw params

    @Override
    public HwParams hwParams(HwParams p) {
        lockStream();
        try {
            checkUsable("hw_params");
            switch (state) {
                case OPEN, SETUP, PREPARED -> {
                    if (mmapCount > 0) {
                        throw refuse(EBADFD, "hw_params", mmapCount, "the buffer is mapped");
                    }
                }
                default -> throw refuse(EBADFD, "hw_params", null, "only in OPEN, SETUP or PREPARED");
            }
            validate(p);
            long bytes = p.bufferBytes();
            SharedMemory memory;
            if (bufferMemory != null && bufferMemory.byteSize() == bytes) {
                memory = bufferMemory;
                // a new setup must not show the previous stream's samples
                memory.segment().fill((byte) 0);
            } else {
                releaseBuffer();
                memory = allocator.allocate("pcm-" + card.id() + "-" + device + (playback ? "p" : "c") + subdevice,
                        bytes);
            }
            install(p, memory);
            try {
                ops.hwParams(p);
            } catch (RuntimeException e) {
                state = OPEN;
                try {
                    ops.hwFree();
                } catch (RuntimeException ignored) {
                    // the hw_params failure is what the caller needs to see
                }
                uninstall();
                throw driverFailure("hw_params", e);
            }
            // snd_pcm_hw_params: the default software parameters
            availMin = periodSize;
            startThreshold = 1;
            stopThreshold = bufferSize;
            silenceThreshold = 0;
            silenceSize = 0;
            state = SETUP;
            return p;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HwSpace hwRefine(HwSpace space) {
        checkUsable("hw_refine");
        return refiner.refine(space);
    }

    private void validate(HwParams p) {
        HwConstraints c = constraints;
        if (!c.accesses().contains(p.access())) {
            throw refuse(EINVAL, "hw_params", p.access(), "access " + p.access() + " not in " + c.accesses());
        }
        if (!c.formats().contains(p.format())) {
            throw refuse(EINVAL, "hw_params", p.format(), "format " + p.format() + " not in " + c.formats());
        }
        checkRange("channels", p.channels(), c.channels());
        checkRange("rate", p.rate(), c.rates());
        if (!c.discreteRates().isEmpty() && !c.discreteRates().contains(p.rate())) {
            throw refuse(EINVAL, "hw_params", p.rate(), "rate " + p.rate() + " not in " + c.discreteRates());
        }
        checkRange("period_size", p.periodSize(), c.periodSize());
        checkRange("periods", p.periods(), c.periods());
        checkRange("buffer_size", p.bufferSize(), c.bufferSize());
        // the exact parameters are one point of the space: the driver's rules must allow it too
        refiner.refine(HwSpace.of(p), "hw_params");
    }

    private void checkRange(String param, long value, pcmshare.core.api.pcm.Range allowed) {
        if (!allowed.contains(value)) {
            throw refuse(EINVAL, "hw_params", value, param + " " + value + " outside " + allowed);
        }
    }

    private void install(HwParams p, SharedMemory memory) {
        hw = p;
        bufferMemory = memory;
        buffer = memory.segment();
        silenceSource = null;
        bufferSize = p.bufferSize();
        periodSize = p.periodSize();
        frameBytes = p.frameBytes();
        sampleBytes = p.format().bytes();
        channels = p.channels();
        bufferNanos = p.framesToNanos(bufferSize);
        boundary = boundary(bufferSize, pointerLimit);
        hwPtr = 0;
        applPtr = 0;
        hwPtrBase = 0;
        hwPtrInterrupt = 0;
    }

    private void uninstall() {
        hw = null;
        releaseBuffer();
        silenceSource = null;
    }

    private void releaseBuffer() {
        if (bufferMemory != null) {
            bufferMemory.release();
            bufferMemory = null;
            buffer = null;
        }
    }

    /**
     * As snd_pcm_hw_params: the largest power-of-two multiple of the buffer size
     * that leaves room for one more buffer below {@code limit} (LONG_MAX; 32-bit
     * compat uses 0x7fffffff).
     */
    static long boundary(long bufferSize, long limit) {
        long b = bufferSize;
        while (b <= (limit - bufferSize) / 2) {
            b *= 2;
        }
        return b;
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
        lockStream();
        try {
            checkUsable("hw_free");
            switch (state) {
                case SETUP, PREPARED -> {
                    if (mmapCount > 0) {
                        throw refuse(EBADFD, "hw_free", mmapCount, "the buffer is mapped");
                    }
                }
                default -> throw refuse(EBADFD, "hw_free", null, "only in SETUP or PREPARED");
            }
            try {
                ops.hwFree();
            } finally {
                uninstall();
                state = OPEN;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SwParams swParams(SwParams p) {
        lockStream();
        try {
            checkUsable("sw_params");
            if (state == OPEN) {
                throw refuse(EBADFD, "sw_params", null, "no hardware parameters yet");
            }
            if (p.availMin() <= 0) {
                throw refuse(EINVAL, "sw_params", p.availMin(), "avail_min must be at least 1");
            }
            if (p.startThreshold() < 0 || p.stopThreshold() < 0 || p.silenceThreshold() < 0 || p.silenceSize() < 0) {
                throw refuse(EINVAL, "sw_params", p, "thresholds and sizes are frame counts, not negative");
            }
            if (p.silenceSize() >= boundary) {
                if (p.silenceThreshold() != 0) {
                    throw refuse(EINVAL, "sw_params", p.silenceThreshold(),
                            "silence_threshold must be 0 when silence_size >= boundary " + boundary);
                }
            } else {
                if (p.silenceSize() > p.silenceThreshold()) {
                    throw refuse(EINVAL, "sw_params", p.silenceSize(),
                            "silence_size above silence_threshold " + p.silenceThreshold());
                }
                if (p.silenceThreshold() > bufferSize) {
                    throw refuse(EINVAL, "sw_params", p.silenceThreshold(),
                            "silence_threshold above buffer_size " + bufferSize);
                }
            }
            availMin = p.availMin();
            startThreshold = p.startThreshold();
            stopThreshold = p.stopThreshold();
            silenceThreshold = p.silenceThreshold();
            silenceSize = p.silenceSize();
            if (running()) {
                if (playback && silenceSize > 0) {
                    playbackSilence(-1);
                }
                if (updateState() < 0) {
                    throw refuse(EPIPE, "sw_params", stopThreshold, "the new thresholds stopped the stream");
                }
            }
            return currentSwParams();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SwParams swParams() {
        lockStream();
        try {
            return hw == null ? null : currentSwParams();
        } finally {
            lock.unlock();
        }
    }

    private SwParams currentSwParams() {
        return new SwParams(availMin, startThreshold, stopThreshold, silenceThreshold, silenceSize, boundary);
    }

    // ---------------------------------------------------------------- actions

    /**
     * snd_pcm_action: pre on every member, run on every member (undoing those
     * done if one fails), post on every member with one timestamp.
     */
    private void action(Action a, PcmState arg) {
        SubstreamGroup g = lockGroup();
        try {
            Substream[] members = g.members();
            if (members.length == 1) {
                runAction(a, arg, members);
                return;
            }
            // the group lock keeps every other multi-lock taker out, so the order only matters to link
            int locked = 0;
            try {
                for (Substream m : members) {
                    m.lockStream();
                    locked++;
                }
                runAction(a, arg, members);
            } finally {
                for (int i = locked - 1; i >= 0; i--) {
                    members[i].lock.unlock();
                }
            }
        } finally {
            g.lock.unlock();
        }
    }

    /**
     * snd_pcm_stream_group_ref: takes this substream's group lock with the
     * stream lock held. When the group lock is busy (another member's action,
     * or a link transaction telling the drivers) the stream lock is dropped
     * while waiting, to keep the group-then-stream order, and the group is
     * looked up again afterwards in case a link moved this substream.
     */
    private SubstreamGroup lockGroup() {
        for (;;) {
            SubstreamGroup g = group;
            if (g.lock.tryLock()) {
                return g;
            }
            int holds = lock.getHoldCount();
            for (int i = 0; i < holds; i++) {
                lock.unlock();
            }
            g.lock.lock();
            for (int i = 0; i < holds; i++) {
                lockStream();
            }
            if (group == g) {
                return g;
            }
            g.lock.unlock();
        }
    }

    private void runAction(Action a, PcmState arg, Substream[] members) {
        for (Substream m : members) {
            a.pre(m, arg);
        }
        int done = 0;
        try {
            for (Substream m : members) {
                a.run(m, arg);
                done++;
            }
        } catch (RuntimeException e) {
            // snd_pcm_action_single undoes the failed substream too; a group undoes those before it
            int undo = members.length == 1 ? 1 : done;
            for (int i = 0; i < undo; i++) {
                try {
                    a.undo(members[i], arg);
                } catch (RuntimeException ignored) {
                    // the original failure is what matters
                }
            }
            throw driverFailure("trigger", e);
        }
        long ts = clock.nanoTime();
        for (Substream m : members) {
            a.post(m, arg, ts);
        }
    }

    /** snd_pcm_running. */
    private boolean running() {
        PcmState s = state;
        return s == RUNNING || (s == DRAINING && playback);
    }

    private void trigger(Trigger t) {
        ops.trigger(t);
    }

    private static final Action START = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state != PREPARED) {
                throw s.refuse(EBADFD, "start", null, "only from PREPARED");
            }
            if (s.playback && !s.playbackData()) {
                throw s.refuse(EPIPE, "start", s.playbackAvail(), "playback buffer is empty");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.trigger(Trigger.START);
        }

        @Override
        public void undo(Substream s, PcmState arg) {
            s.trigger(Trigger.STOP);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.postStart(arg, ts);
        }
    };

    private void postStart(PcmState target, long ts) {
        triggerTimestamp = ts;
        hwPtrTime = clock.nanoTime();
        state = target;
        if (playback && silenceSize > 0) {
            playbackSilence(-1);
        }
    }

    private static final Action STOP = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "stop", null, "no hardware parameters");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.doStop();
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.postStop(arg, ts);
        }
    };

    private void doStop() {
        if (running()) {
            try {
                trigger(Trigger.STOP);
            } catch (RuntimeException ignored) {
                // snd_pcm_do_stop: stop unconditionally
            }
        }
    }

    private void postStop(PcmState target, long ts) {
        // a group stop must not bring a member whose card went away back to life
        if (state != target && state != DISCONNECTED) {
            triggerTimestamp = ts;
            if (target == XRUN) {
                xrunCount++;
            }
            state = target;
            firePeriodStopped();
        }
        wakeAll();
    }

    private static final Action PAUSE = new Action() {
        @Override
        public void pre(Substream s, PcmState target) {
            if (!s.constraints.has(PcmCapability.PAUSE)) {
                throw s.refuse(ENOSYS, "pause", target == PAUSED ? "push" : "release",
                        "the driver cannot pause");
            }
            if (target == PAUSED) {
                if (s.state != RUNNING) {
                    throw s.refuse(EBADFD, "pause", "push", "pause push only while RUNNING");
                }
            } else if (s.state != PAUSED) {
                throw s.refuse(EBADFD, "pause", "release", "pause release only while PAUSED");
            }
        }

        @Override
        public void run(Substream s, PcmState target) {
            if (target == PAUSED) {
                // drivers may recover from the pause at hw_ptr
                s.updateHwPtr(false);
            }
            s.trigger(target == PAUSED ? Trigger.PAUSE_PUSH : Trigger.PAUSE_RELEASE);
        }

        @Override
        public void undo(Substream s, PcmState target) {
            s.trigger(target == PAUSED ? Trigger.PAUSE_RELEASE : Trigger.PAUSE_PUSH);
        }

        @Override
        public void post(Substream s, PcmState target, long ts) {
            s.triggerTimestamp = ts;
            if (target == PAUSED) {
                s.state = PAUSED;
                s.wakeAll();
            } else {
                s.state = RUNNING;
                s.hwPtrTime = s.clock.nanoTime();
            }
        }
    };

    private static final Action SUSPEND = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case SUSPENDED, OPEN, SETUP, DISCONNECTED ->
                    throw s.refuse(EBUSY, "suspend", null, "nothing to suspend");
                default -> {
                }
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            if (s.running()) {
                try {
                    s.trigger(Trigger.SUSPEND);
                } catch (RuntimeException ignored) {
                    // snd_pcm_do_suspend: suspend unconditionally
                }
            }
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.triggerTimestamp = ts;
            s.suspendedState = s.state;
            s.state = SUSPENDED;
            s.wakeAll();
        }
    };

    private static final Action RESUME = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state != SUSPENDED) {
                throw s.refuse(EBADFD, "resume", null, "only from SUSPENDED");
            }
            if (!s.constraints.has(PcmCapability.RESUME)) {
                throw s.refuse(ENOSYS, "resume", null, "the driver cannot resume; prepare again");
            }
        }

        private boolean wasRunning(Substream s) {
            return s.suspendedState == RUNNING || (s.suspendedState == DRAINING && s.playback);
        }

        @Override
        public void run(Substream s, PcmState arg) {
            if (wasRunning(s)) {
                s.trigger(Trigger.RESUME);
            }
        }

        @Override
        public void undo(Substream s, PcmState arg) {
            if (wasRunning(s)) {
                s.trigger(Trigger.SUSPEND);
            }
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.triggerTimestamp = ts;
            s.state = s.suspendedState;
            s.hwPtrTime = s.clock.nanoTime();
        }
    };

    private static final Action RESET = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case RUNNING, PREPARED, PAUSED, SUSPENDED -> {
                }
                default -> throw s.refuse(EBADFD, "reset", null, "only in RUNNING, PREPARED, PAUSED or SUSPENDED");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.doReset();
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.applPtr = s.hwPtr;
            if (s.playback && s.silenceSize > 0) {
                s.playbackSilence(-1);
            }
        }
    };

    /** snd_pcm_do_reset with the default RESET ioctl (snd_pcm_lib_ioctl_reset). */
    private void doReset() {
        if (running() && updateHwPtr(false) >= 0) {
            hwPtr = hwPtr % bufferSize;
        } else {
            hwPtr = 0;
        }
        hwPtrBase = 0;
        hwPtrInterrupt = hwPtr - hwPtr % periodSize;
        silenceStart = hwPtr;
        silenceFilled = 0;
    }

    private static final Action PREPARE = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state == OPEN || s.state == DISCONNECTED) {
                throw s.refuse(EBADFD, "prepare", null, "no hardware parameters");
            }
            if (s.running()) {
                throw s.refuse(EBUSY, "prepare", null, "the stream is running; drop it first");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.ops.prepare();
            s.doReset();
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.applPtr = s.hwPtr;
            s.state = PREPARED;
        }
    };

    private static final Action DRAIN_INIT = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case OPEN, DISCONNECTED, SUSPENDED -> throw s.refuse(EBADFD, "drain", null, "nothing to drain");
                default -> {
                }
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.doDrainInit();
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
        }
    };

    private void doDrainInit() {
        if (playback) {
            switch (state) {
                case PREPARED -> {
                    if (!playbackEmpty()) {
                        trigger(Trigger.START);
                        postStart(DRAINING, clock.nanoTime());
                    } else {
                        state = SETUP;
                    }
                }
                case RUNNING -> state = DRAINING;
                case XRUN -> state = SETUP;
                default -> {
                }
            }
        } else if (state == RUNNING) {
            PcmState target = captureAvail() > 0 ? DRAINING : SETUP;
            doStop();
            postStop(target, clock.nanoTime());
        }
        if (state == DRAINING && constraints.has(PcmCapability.DRAIN_TRIGGER)) {
            trigger(Trigger.DRAIN);
        }
    }

    @Override
    public void prepare() {
        lockStream();
        try {
            checkUsable("prepare");
            PcmState was = state;
            if (was == PAUSED) {
                releasePauseQuietly();
            }
            if (was == PAUSED || was == SUSPENDED) {
                action(STOP, SETUP);
            }
            action(PREPARE, PREPARED);
        } finally {
            lock.unlock();
        }
    }

    private void releasePauseQuietly() {
        try {
            action(PAUSE, RUNNING);
        } catch (ErrnoException ignored) {
            // snd_pcm_drop/drain/prepare ignore a failed release: the stop that follows wins
        }
    }

    @Override
    public void start() {
        lockStream();
        try {
            checkUsable("start");
            action(START, RUNNING);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void drop() {
        lockStream();
        try {
            checkUsable("drop");
            if (state == OPEN) {
                throw refuse(EBADFD, "drop", null, "no hardware parameters");
            }
            if (state == PAUSED) {
                releasePauseQuietly();
            }
            action(STOP, SETUP);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pause(boolean push) {
        lockStream();
        try {
            checkUsable("pause");
            action(PAUSE, push ? PAUSED : RUNNING);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void suspend() {
        lockStream();
        try {
            checkUsable("suspend");
            action(SUSPEND, SUSPENDED);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume() {
        lockStream();
        try {
            checkUsable("resume");
            action(RESUME, RUNNING);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset() {
        lockStream();
        try {
            checkUsable("reset");
            action(RESET, null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void drain() {
        lockStream();
        try {
            checkUsable("drain");
            if (state == OPEN) {
                throw refuse(EBADFD, "drain", null, "no hardware parameters");
            }
            if (state == PAUSED) {
                releasePauseQuietly();
            }
            action(DRAIN_INIT, DRAINING);
            if (nonBlocking) {
                throw refuse(EAGAIN, "drain", null, "non-blocking: poll until the state leaves DRAINING");
            }
            for (;;) {
                Substream toCheck = null;
                for (Substream m : group.members()) {
                    if (m.playback && m.state == DRAINING) {
                        toCheck = m;
                        break;
                    }
                }
                if (toCheck == null) {
                    return;
                }
                long timeout = Math.max(DRAIN_MIN_TIMEOUT_NANOS, toCheck.bufferNanos * 11 / 10);
                boolean timedOut = toCheck == this ? !awaitUntil(clock.nanoTime() + timeout, "drain")
                        : !awaitDrainOf(toCheck, timeout);
                if (state == DISCONNECTED) {
                    throw refuse(ENODEV, "drain", card.id(), "card disconnected while draining");
                }
                if (timedOut && toCheck.state == DRAINING) {
                    if (state == SUSPENDED) {
                        throw refuse(ESTRPIPE, "drain", null, "suspended while draining");
                    }
                    action(STOP, SETUP);
                    throw refuse(EIO, "drain", timeout, "playback drain timeout: the hardware stopped moving");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, as snd_pcm_drain does, on a linked playback member's wait queue
     * until it leaves DRAINING or {@code timeout} passes on its card's clock.
     * This stream lock is dropped meanwhile (never two stream locks at once
     * outside the group lock). Returns false on timeout.
     */
    private boolean awaitDrainOf(Substream other, long timeout) {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            other.lockStream();
            try {
                return other.state != DRAINING || other.awaitUntil(other.clock.nanoTime() + timeout, "drain");
            } finally {
                other.lock.unlock();
            }
        } finally {
            for (int i = 0; i < holds; i++) {
                lockStream();
            }
        }
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Takes the stream lock, spinning briefly first: the critical sections are
     * short, and a contended {@link ReentrantLock#lock()} allocates a queue node
     * and parks where a few spins would have found the lock free.
     */
    void lockStream() {
        if (lock.tryLock()) {
            return;
        }
        for (int i = 0; i < LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (!lock.isLocked() && lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    /**
     * Sleeps until woken or until the card's clock reaches {@code deadline};
     * with the lock held. Returns false when the deadline has passed.
     */
    private boolean awaitUntil(long deadline, String op) {
        if (clock.nanoTime() >= deadline) {
            return false;
        }
        // a second timed waiter at once is rare: it gets a one-shot timer of its own
        boolean shared = !waitTimerArmed;
        Clock.Timer timer;
        if (shared) {
            waitTimerArmed = true;
            waitTimer.schedule(deadline);
            timer = waitTimer;
        } else {
            timer = clock.schedule(deadline, this::wakeFromTimer);
        }
        try {
            sleep(op);
        } finally {
            timer.cancel();
            if (shared) {
                waitTimerArmed = false;
            }
        }
        return clock.nanoTime() < deadline;
    }

    /** Waits without a deadline (a paused stream waits for as long as it stays paused). */
    private void awaitForever(String op) {
        sleep(op);
    }

    /**
     * Releases the stream lock (every hold), parks until {@link #wakeAll} runs,
     * takes the lock back. An interrupt before or during the sleep is EINTR with
     * the interrupt status kept, as an interrupted Condition.await was; a wake-up
     * that came first wins, leaving the interrupt for the next wait. Callers
     * re-check their condition: a wake-up is no promise that it holds.
     */
    private void sleep(String op) {
        Thread me = Thread.currentThread();
        if (me.isInterrupted()) {
            throw refuse(EINTR, op, null, "interrupted while waiting");
        }
        int slot = enlist(me);
        int seen = wakeups;
        int holds = lock.getHoldCount();
        boolean interrupted = false;
        waiters++;
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            while (wakeups == seen) {
                if (me.isInterrupted()) {
                    interrupted = true;
                    break;
                }
                LockSupport.park(this);
            }
        } finally {
            for (int i = 0; i < holds; i++) {
                lockStream();
            }
            waiters--;
            sleepers[slot] = null;
        }
        if (interrupted) {
            throw refuse(EINTR, op, null, "interrupted while waiting");
        }
    }

    /** A free slot for {@code t} in {@link #sleepers}; grows (once in a while) only past four sleepers. */
    private int enlist(Thread t) {
        Thread[] ss = sleepers;
        for (int i = 0; i < ss.length; i++) {
            if (ss[i] == null) {
                ss[i] = t;
                return i;
            }
        }
        int at = ss.length;
        sleepers = ss = Arrays.copyOf(ss, at * 2);
        ss[at] = t;
        return at;
    }

    private void wakeFromTimer() {
        lockStream();
        try {
            wake();
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        if (waiters > 0) {
            wake();
        }
    }

    /** With the lock held: every sleeper now sees the wake-up and is unparked. */
    private void wake() {
        wakeups++;
        for (Thread t : sleepers) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
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

    /**
     * pcm_lib.c wait_for_avail: waits until {@link #twake} frames are available.
     * Returns avail, or 0 for a capture stream that started draining.
     */
    private long waitForAvail(String op) {
        long waitTime = Math.max(XFER_TIMEOUT_NANOS, hw.framesToNanos(bufferSize * 2));
        for (;;) {
            long avail = availLocked();
            if (avail >= twake) {
                return avail;
            }
            boolean timedOut;
            if (state == PAUSED) {
                awaitForever(op);
                timedOut = false;
            } else {
                timedOut = !awaitUntil(clock.nanoTime() + waitTime, op);
            }
            switch (state) {
                case SUSPENDED -> throw refuse(ESTRPIPE, op, null, "suspended while waiting");
                case XRUN -> throw refuse(EPIPE, op, xrunCount, playback ? "underrun" : "overrun");
                case DRAINING -> {
                    if (playback) {
                        throw refuse(EPIPE, op, null, "playback is draining");
                    }
                    return 0;
                }
                case OPEN, SETUP -> throw refuse(EBADFD, op, null, "stream stopped while waiting");
                case DISCONNECTED -> throw refuse(EBADFD, op, card.id(), "card disconnected while waiting");
                case PAUSED -> {
                    continue;
                }
                default -> {
                }
            }
            if (timedOut && availLocked() < twake) {
                throw refuse(EIO, op, waitTime, (playback ? "playback write" : "capture read")
                        + " timeout: the hardware stopped moving");
            }
        }
    }

    @Override
    public boolean waitAvail(long timeoutNanos) {
        lockStream();
        try {
            checkUsable("wait");
            long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : clock.nanoTime() + timeoutNanos;
            for (;;) {
                accessibleState("wait");
                if (state == RUNNING) {
                    updateHwPtr(false);
                    accessibleState("wait");
                }
                if (availLocked() >= availMin) {
                    return true;
                }
                if (state == DRAINING) {
                    return availLocked() > 0;
                }
                if (deadline == Long.MAX_VALUE) {
                    awaitForever("wait");
                } else if (!awaitUntil(deadline, "wait")) {
                    return availLocked() >= availMin;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- pointers

    private long playbackAvail() {
        long avail = hwPtr + bufferSize - applPtr;
        if (avail < 0) {
            avail += boundary;
        } else if (avail >= boundary) {
            avail -= boundary;
        }
        return avail;
    }

    private long captureAvail() {
        long avail = hwPtr - applPtr;
        if (avail < 0) {
            avail += boundary;
        }
        return avail;
    }

    private long availLocked() {
        return playback ? playbackAvail() : captureAvail();
    }

    /** Frames queued for the hardware (playback) or free for it (capture): snd_pcm_*_hw_avail. */
    private long hwAvail() {
        return bufferSize - availLocked();
    }

    /** snd_pcm_playback_data. */
    private boolean playbackData() {
        if (stopThreshold >= boundary) {
            return true;
        }
        return playbackAvail() < bufferSize;
    }

    /** snd_pcm_playback_empty. */
    private boolean playbackEmpty() {
        return playbackAvail() >= bufferSize;
    }

    /**
     * snd_pcm_update_hw_ptr0: reads the driver's position, moves hw_ptr across
     * buffer and boundary wraps, then checks xrun and drain and wakes waiters.
     * Returns -1 when the stream stopped (xrun or drained). Allocates nothing.
     */
    private int updateHwPtr(boolean inInterrupt) {
        long oldHwPtr = hwPtr;
        long pos = ops.pointer();
        long now = clock.nanoTime();
        if (pos == PcmOps.POINTER_XRUN) {
            xrunLocked();
            return -1;
        }
        if (pos < 0 || pos >= bufferSize) {
            // pcm_lib.c: "invalid position", taken as 0
            pos = 0;
        }
        long hwBase = hwPtrBase;
        long newHwPtr = hwBase + pos;
        boolean crossedBoundary = false;
        boolean baseMoved = false;
        if (inInterrupt) {
            // one period was processed; a pointer short of that after half a buffer's time means a whole buffer went by
            long expected = hwPtrInterrupt + periodSize;
            if (expected > newHwPtr && now - hwPtrTime > bufferNanos / 2 + INTERRUPT_SLACK_NANOS) {
                hwBase += bufferSize;
                if (hwBase >= boundary) {
                    hwBase = 0;
                    crossedBoundary = true;
                }
                newHwPtr = hwBase + pos;
                baseMoved = true;
            }
        }
        if (!baseMoved && newHwPtr < oldHwPtr) {
            hwBase += bufferSize;
            if (hwBase >= boundary) {
                hwBase = 0;
                crossedBoundary = true;
            }
            newHwPtr = hwBase + pos;
        }
        long delta = newHwPtr - oldHwPtr;
        if (delta < 0) {
            delta += boundary;
        }
        if (delta >= bufferSize + periodSize) {
            // pcm_lib.c "Unexpected hw_ptr": ignored
            return 0;
        }
        if (hwPtr == newHwPtr) {
            hwPtrTime = now;
            return 0;
        }
        if (playback && silenceSize > 0) {
            playbackSilence(newHwPtr);
        }
        if (inInterrupt) {
            long d = newHwPtr - hwPtrInterrupt;
            if (d < 0) {
                d += boundary;
            }
            d -= d % periodSize;
            hwPtrInterrupt += d;
            if (hwPtrInterrupt >= boundary) {
                hwPtrInterrupt -= boundary;
            }
        }
        hwPtrBase = hwBase;
        hwPtr = newHwPtr;
        hwPtrTime = now;
        return updateState();
    }

    /** snd_pcm_update_state: xrun at stop_threshold, drain done at an empty buffer, wake-ups. */
    private int updateState() {
        long avail = availLocked();
        if (avail > availMax) {
            availMax = avail;
        }
        if (state == DRAINING) {
            if (avail >= bufferSize) {
                // snd_pcm_drain_done: this substream only
                doStop();
                postStop(SETUP, clock.nanoTime());
                return -1;
            }
        } else if (avail >= stopThreshold) {
            xrunLocked();
            return -1;
        }
        long threshold = twake > 0 ? Math.min(twake, availMin) : availMin;
        if (avail >= threshold) {
            wakeAll();
        }
        return 0;
    }

    /** __snd_pcm_xrun: stop the group with XRUN. */
    private void xrunLocked() {
        action(STOP, XRUN);
    }

    /** snd_pcm_playback_silence; {@code newHwPtr} -1 initialises (the kernel's ULONG_MAX). */
    private void playbackSilence(long newHwPtr) {
        long frames;
        if (silenceSize < boundary) {
            long appl = applPtr;
            if (silenceStart != appl) {
                long n = appl - silenceStart;
                if (n < 0) {
                    n += boundary;
                }
                if (n < silenceFilled) {
                    silenceFilled -= n;
                } else {
                    silenceFilled = 0;
                }
                silenceStart = appl;
            }
            if (silenceFilled >= bufferSize) {
                return;
            }
            long noiseDist = hwAvail() + silenceFilled;
            if (noiseDist >= silenceThreshold) {
                return;
            }
            frames = silenceThreshold - noiseDist;
            if (frames > silenceSize) {
                frames = silenceSize;
            }
        } else {
            if (newHwPtr < 0) {
                long avail = hwAvail();
                if (avail > bufferSize) {
                    avail = bufferSize;
                }
                silenceFilled = Math.max(avail, 0);
                silenceStart = (hwPtr + silenceFilled) % boundary;
            } else {
                long ofs = hwPtr;
                long played = newHwPtr - ofs;
                if (played < 0) {
                    played += boundary;
                }
                silenceFilled -= played;
                if (silenceFilled < 0) {
                    silenceFilled = 0;
                    silenceStart = newHwPtr;
                } else {
                    silenceStart = ofs;
                }
            }
            frames = bufferSize - silenceFilled;
        }
        if (frames <= 0 || frames > bufferSize) {
            return;
        }
        long ofs = silenceStart % bufferSize;
        while (frames > 0) {
            long transfer = ofs + frames > bufferSize ? bufferSize - ofs : frames;
            fillSilence(ofs, transfer);
            silenceFilled += transfer;
            frames -= transfer;
            ofs = 0;
        }
    }

    /** Fills {@code frames} frames from buffer frame {@code ofs} with the format's silence, every channel. */
    private void fillSilence(long ofs, long frames) {
        MemorySegment src = silenceSource();
        if (hw.access().isInterleaved()) {
            MemorySegment.copy(src, 0, buffer, ofs * frameBytes, frames * frameBytes);
        } else {
            for (int c = 0; c < channels; c++) {
                MemorySegment.copy(src, 0, buffer, (c * bufferSize + ofs) * sampleBytes, frames * sampleBytes);
            }
        }
    }

    private MemorySegment silenceSource() {
        if (silenceSource == null) {
            // made once per setup so the period path copies silence without allocating
            silenceSource = Arena.ofAuto().allocate(bufferSize * frameBytes);
            silenceSource.fill(hw.format().silenceByte());
        }
        return silenceSource;
    }

    // ---------------------------------------------------------------- transfers

    /** pcm_lib.c pcm_accessible_state, admitting a draining capture so its remaining frames can be read. */
    private void accessibleState(String op) {
        switch (state) {
            case PREPARED, RUNNING, PAUSED -> {
            }
            case XRUN -> throw refuse(EPIPE, op, xrunCount, playback ? "underrun" : "overrun");
            case SUSPENDED -> throw refuse(ESTRPIPE, op, null, "suspended: resume or prepare");
            case DRAINING -> {
                if (playback) {
                    throw refuse(EBADFD, op, null, "playback is draining");
                }
            }
            default -> throw refuse(EBADFD, op, null, "not prepared");
        }
    }

    @Override
    public long write(MemorySegment src, long frames) {
        return xfer(src, null, frames, true, "write");
    }

    @Override
    public long write(MemorySegment[] channelData, long frames) {
        return xfer(null, channelData, frames, false, "write");
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        return xfer(dst, null, frames, true, "read");
    }

    @Override
    public long read(MemorySegment[] channelData, long frames) {
        return xfer(null, channelData, frames, false, "read");
    }

    private void checkDirection(String op) {
        if (playback != op.equals("write")) {
            throw refuse(EINVAL, op, direction, op + " on a " + direction + " substream");
        }
    }

    /** pcm_lib.c __snd_pcm_lib_xfer. */
    private long xfer(MemorySegment data, MemorySegment[] channelData, long size, boolean interleaved, String op) {
        lockStream();
        try {
            checkUsable(op);
            checkDirection(op);
            if (state == OPEN) {
                throw refuse(EBADFD, op, null, "no hardware parameters");
            }
            if (interleaved) {
                if (hw.access() != pcmshare.core.api.pcm.Access.RW_INTERLEAVED && channels > 1) {
                    throw refuse(EINVAL, op, hw.access(), "interleaved transfer needs RW_INTERLEAVED access");
                }
            } else if (hw.access() != pcmshare.core.api.pcm.Access.RW_NONINTERLEAVED) {
                throw refuse(EINVAL, op, hw.access(), "non-interleaved transfer needs RW_NONINTERLEAVED access");
            }
            if (size < 0) {
                throw refuse(EINVAL, op, size, "negative frame count");
            }
            checkData(data, channelData, size, interleaved, op);
            if (size == 0) {
                return 0;
            }
            accessibleState(op);
            twake = availMin;
            long xfer = 0;
            try {
                if (state == RUNNING) {
                    updateHwPtr(false);
                }
                if (!playback && state == PREPARED && size >= startThreshold) {
                    action(START, RUNNING);
                }
                long avail = availLocked();
                long offset = 0;
                while (size > 0) {
                    // the kernel re-checks after each copy; the copy runs under the lock here, so before is the same
                    accessibleState(op);
                    if (avail == 0) {
                        if (!playback && state == DRAINING) {
                            action(STOP, SETUP);
                            break;
                        }
                        accessibleState(op);
                        if (nonBlocking) {
                            throw refuse(EAGAIN, op, size, "no room now (non-blocking)");
                        }
                        twake = Math.min(size, availMin);
                        avail = waitForAvail(op);
                        if (avail == 0) {
                            continue; // capture draining
                        }
                    }
                    long frames = Math.min(size, avail);
                    long appl = applPtr;
                    long applOfs = appl % bufferSize;
                    long cont = bufferSize - applOfs;
                    if (frames > cont) {
                        frames = cont;
                    }
                    copy(data, channelData, interleaved, applOfs, offset, frames);
                    appl += frames;
                    if (appl >= boundary) {
                        appl -= boundary;
                    }
                    applPtr = appl;
                    offset += frames;
                    size -= frames;
                    xfer += frames;
                    avail -= frames;
                    if (playback && state == PREPARED && hwAvail() >= startThreshold) {
                        action(START, RUNNING);
                    }
                }
            } catch (ErrnoException e) {
                twake = 0;
                if (xfer > 0) {
                    return xfer;
                }
                throw e;
            }
            twake = 0;
            if (xfer > 0 && state != DISCONNECTED) {
                updateState();
            }
            return xfer;
        } finally {
            twake = 0;
            lock.unlock();
        }
    }

    private void checkData(MemorySegment data, MemorySegment[] channelData, long size, boolean interleaved,
            String op) {
        if (interleaved) {
            if (data == null) {
                if (!playback) {
                    throw refuse(EINVAL, op, null, "no buffer to read into");
                }
            } else if (data.byteSize() < size * frameBytes) {
                throw refuse(EINVAL, op, data.byteSize(), size + " frames need " + size * frameBytes + " bytes");
            }
        } else {
            if (channelData == null) {
                if (!playback) {
                    throw refuse(EINVAL, op, null, "no buffers to read into");
                }
                return;
            }
            if (channelData.length != channels) {
                throw refuse(EINVAL, op, channelData.length, "one segment per channel: " + channels);
            }
            for (MemorySegment s : channelData) {
                if (s == null) {
                    if (!playback) {
                        throw refuse(EINVAL, op, null, "no buffer to read a channel into");
                    }
                } else if (s.byteSize() < size * sampleBytes) {
                    throw refuse(EINVAL, op, s.byteSize(), size + " samples need " + size * sampleBytes + " bytes");
                }
            }
        }
    }

    private void copy(MemorySegment data, MemorySegment[] channelData, boolean interleaved, long hwOfs, long off,
            long frames) {
        if (interleaved) {
            if (data == null) {
                fillSilence(hwOfs, frames);
            } else if (playback) {
                MemorySegment.copy(data, off * frameBytes, buffer, hwOfs * frameBytes, frames * frameBytes);
            } else {
                MemorySegment.copy(buffer, hwOfs * frameBytes, data, off * frameBytes, frames * frameBytes);
            }
            return;
        }
        for (int c = 0; c < channels; c++) {
            long hwByte = (c * bufferSize + hwOfs) * sampleBytes;
            MemorySegment ch = channelData == null ? null : channelData[c];
            if (ch == null) {
                MemorySegment.copy(silenceSource(), 0, buffer, hwByte, frames * sampleBytes);
            } else if (playback) {
                MemorySegment.copy(ch, off * sampleBytes, buffer, hwByte, frames * sampleBytes);
            } else {
                MemorySegment.copy(buffer, hwByte, ch, off * sampleBytes, frames * sampleBytes);
            }
        }
    }

    // ---------------------------------------------------------------- mmap

    @Override
    public PcmMapping map() {
        lockStream();
        try {
            checkUsable("mmap");
            if (state == OPEN) {
                throw refuse(EBADFD, "mmap", null, "no hardware parameters");
            }
            if (!hw.access().isMmap()) {
                throw refuse(EINVAL, "mmap", hw.access(), "mapping needs MMAP_INTERLEAVED or MMAP_NONINTERLEAVED access");
            }
            SharedMemory memory = bufferMemory.retain();
            mmapCount++;
            return new Mapping(memory);
        } finally {
            lock.unlock();
        }
    }

    private final class Mapping implements PcmMapping {
        private final SharedMemory memory;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Mapping(SharedMemory memory) {
            this.memory = memory;
        }

        @Override
        public SharedMemory memory() {
            return memory;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                lockStream();
                try {
                    mmapCount--;
                } finally {
                    lock.unlock();
                }
                memory.release();
            }
        }
    }

    private void checkMmapAccess(String op) {
        checkUsable(op);
        if (state == OPEN) {
            throw refuse(EBADFD, op, null, "no hardware parameters");
        }
        if (!hw.access().isMmap()) {
            throw refuse(EINVAL, op, hw.access(), "needs MMAP_INTERLEAVED or MMAP_NONINTERLEAVED access");
        }
        accessibleState(op);
    }

    @Override
    public MmapArea mmapBegin(long frames) {
        lockStream();
        try {
            checkMmapAccess("mmap_begin");
            if (frames < 0) {
                throw refuse(EINVAL, "mmap_begin", frames, "negative frame count");
            }
            if (state == RUNNING) {
                updateHwPtr(false);
                accessibleState("mmap_begin");
            }
            long applOfs = applPtr % bufferSize;
            long n = Math.min(Math.min(frames, availLocked()), bufferSize - applOfs);
            return new MmapArea(buffer, applOfs, n, hw.access(), channels, sampleBytes, bufferSize);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long mmapCommit(long offset, long frames) {
        lockStream();
        try {
            checkMmapAccess("mmap_commit");
            if (frames < 0) {
                throw refuse(EINVAL, "mmap_commit", frames, "negative frame count");
            }
            // alsa-lib snd_pcm_mmap_commit: a commit that does not match begin is EPIPE
            if (offset != applPtr % bufferSize) {
                throw refuse(EPIPE, "mmap_commit", offset, "offset is not the application pointer " + applPtr % bufferSize);
            }
            if (frames > availLocked()) {
                throw refuse(EPIPE, "mmap_commit", frames, "more frames than available " + availLocked());
            }
            long appl = applPtr + frames;
            if (appl >= boundary) {
                appl -= boundary;
            }
            applPtr = appl;
            if (state == RUNNING) {
                updateHwPtr(false);
            }
            return frames;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- rewind/forward/sync

    /** pcm_native.c do_pcm_hwsync. */
    private void doHwsync(String op) {
        switch (state) {
            case DRAINING -> {
                if (!playback) {
                    throw refuse(EBADFD, op, null, "capture is draining");
                }
                if (updateHwPtr(false) < 0) {
                    throw stoppedBySync(op);
                }
            }
            case RUNNING -> {
                if (updateHwPtr(false) < 0) {
                    throw stoppedBySync(op);
                }
            }
            case PREPARED, PAUSED -> {
            }
            case SUSPENDED -> throw refuse(ESTRPIPE, op, null, "suspended: resume or prepare");
            case XRUN -> throw refuse(EPIPE, op, xrunCount, playback ? "underrun" : "overrun");
            default -> throw refuse(EBADFD, op, null, "not prepared");
        }
    }

    private ErrnoException stoppedBySync(String op) {
        return refuse(EPIPE, op, hwPtr, state == XRUN ? (playback ? "underrun" : "overrun") : "drained");
    }

    @Override
    public void hwsync() {
        lockStream();
        try {
            checkUsable("hwsync");
            doHwsync("hwsync");
        } finally {
            lock.unlock();
        }
    }

    /** snd_pcm_rewind: takes back frames the hardware has not consumed (playback) or produced (capture). */
    @Override
    public long rewind(long frames) {
        return moveApplPtr("rewind", frames, false);
    }

    /** snd_pcm_forward: skips frames that are available, as if written (playback) or read (capture). */
    @Override
    public long forward(long frames) {
        return moveApplPtr("forward", frames, true);
    }

    /** Moves appl_ptr back within hw_avail or ahead within avail, at most {@code frames}; returns how far. */
    private long moveApplPtr(String op, long frames, boolean ahead) {
        lockStream();
        try {
            checkUsable(op);
            if (frames < 0) {
                throw refuse(EINVAL, op, frames, "negative frame count");
            }
            if (frames == 0) {
                return 0;
            }
            doHwsync(op);
            long room = ahead ? availLocked() : hwAvail();
            if (room <= 0) {
                return 0;
            }
            long moved = Math.min(frames, room);
            long appl = applPtr + (ahead ? moved : -moved);
            if (appl < 0) {
                appl += boundary;
            } else if (appl >= boundary) {
                appl -= boundary;
            }
            applPtr = appl;
            return moved;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- status

    @Override
    public PcmState state() {
        return state;
    }

    @Override
    public PcmStatus status() {
        lockStream();
        try {
            if (closed) {
                throw refuse(EBADF, "status", null, "substream handle is closed");
            }
            long now = clock.nanoTime();
            if (state == OPEN) {
                return new PcmStatus(OPEN, suspendedState, triggerTimestamp, now, 0, 0, 0, 0, 0, xrunCount);
            }
            if (running()) {
                updateHwPtr(false);
            }
            boolean hasBuffer = hw != null;
            long avail = hasBuffer ? availLocked() : 0;
            long delay = hasBuffer && running() ? (playback ? hwAvail() : captureAvail()) : 0;
            long max = availMax;
            availMax = 0;
            return new PcmStatus(state, suspendedState, triggerTimestamp, now, hwPtr, applPtr, avail, max, delay,
                    xrunCount);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long avail() {
        lockStream();
        try {
            checkUsable("avail");
            if (!(state == DRAINING && !playback)) {
                doHwsync("avail");
            }
            return availLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long delay() {
        lockStream();
        try {
            checkUsable("delay");
            doHwsync("delay");
            return playback ? hwAvail() : captureAvail();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- listing

    void holder(String who) {
        this.holder = who == null ? "" : who;
    }

    /**
     * What a listing shows of this substream, or null once closed. Like
     * {@link #status()} it brings hw_ptr up to date (as reading ALSA's
     * /proc status does), but it leaves avail_max to the holder.
     */
    SubstreamInfo info() {
        Set<SubstreamView> linked = linkedWith();
        lockStream();
        try {
            if (closed) {
                return null;
            }
            long now = clock.nanoTime();
            PcmStatus st;
            if (state == OPEN) {
                st = new PcmStatus(OPEN, suspendedState, triggerTimestamp, now, 0, 0, 0, 0, 0, xrunCount);
            } else {
                if (running()) {
                    updateHwPtr(false);
                }
                boolean hasBuffer = hw != null;
                long avail = hasBuffer ? availLocked() : 0;
                long delay = hasBuffer && running() ? (playback ? hwAvail() : captureAvail()) : 0;
                st = new PcmStatus(state, suspendedState, triggerTimestamp, now, hwPtr, applPtr, avail, availMax,
                        delay, xrunCount);
            }
            return new SubstreamInfo(card.id(), device, direction, subdevice, holder, handles, hw, st, linked);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- handles

    /** One more handle on this open substream (O_APPEND): no new open. */
    void retainHandle() {
        lockStream();
        try {
            checkUsable("dup");
            handles++;
            card.counters().handles.incrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    /** One handle fewer; the last one really closes the substream. */
    void releaseHandle() {
        boolean last;
        lockStream();
        try {
            last = --handles == 0;
            card.counters().handles.decrementAndGet();
        } finally {
            lock.unlock();
        }
        if (last) {
            close();
        }
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

    // ---------------------------------------------------------------- close/disconnect

    @Override
    public void close() {
        lockStream();
        try {
            if (closed || closing) {
                return;
            }
            closing = true;
            if (state != OPEN && state != DISCONNECTED) {
                try {
                    if (state == PAUSED) {
                        releasePauseQuietly();
                    }
                    // snd_pcm_release_substream drops first: a linked group stops as a whole
                    action(STOP, SETUP);
                } catch (RuntimeException ignored) {
                    // closing must succeed whatever the driver says
                }
            }
        } finally {
            lock.unlock();
        }
        // pcm_release_private: out of the group before the driver lets go, its partners told
        unlink("close", true);
        lockStream();
        try {
            releaseDriver();
            uninstall();
            closed = true;
            if (state != DISCONNECTED) {
                state = OPEN;
            }
            wakeAll();
        } finally {
            lock.unlock();
        }
        card.release(this);
    }

    /** The card went away: the stream stops and the driver is let go; the buffer stays until close. */
    void disconnect() {
        lockStream();
        // the group lock keeps a link transaction from telling a driver that has let go
        SubstreamGroup g = lockGroup();
        try {
            if (closed || state == DISCONNECTED) {
                return;
            }
            if (running()) {
                try {
                    trigger(Trigger.STOP);
                } catch (RuntimeException ignored) {
                    // the driver is leaving anyway
                }
            }
            state = DISCONNECTED;
            triggerTimestamp = clock.nanoTime();
            firePeriodStopped();
            releaseDriver();
            wakeAll();
        } finally {
            g.lock.unlock();
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- links

    /** snd_pcm_link: {@code other} joins this substream's group. */
    @Override
    public void link(PcmSubstream other) {
        Substream b = SubstreamHandle.substreamOf(other);
        if (b == this) {
            throw refuse(EINVAL, "link", name(), "cannot link a substream to itself");
        }
        if (b == null) {
            // the value names the type only: a foreign object's toString is not ours to call
            throw refuse(EBADFD, "link", other == null ? null : other.getClass().getName(),
                    "not a substream of this core");
        }
        SubstreamGroup.LINKS.lock();
        try {
            // memberships only change under LINKS, so both groups are stable from here
            SubstreamGroup ga = group;
            SubstreamGroup gb = b.group;
            SubstreamGroup first = ga.serial <= gb.serial ? ga : gb;
            SubstreamGroup second = first == ga ? gb : ga;
            first.lock.lock();
            try {
                second.lock.lock();
                try {
                    Substream[] joined = with(ga.members(), b);
                    List<Notice> notices;
                    Substream[] locked = union(joined, gb.members());
                    lockAll(locked);
                    try {
                        checkUsable("link");
                        if (b.closed || b.closing) {
                            throw refuse(EBADFD, "link", b.name(), "the other substream is closed");
                        }
                        if (state == OPEN) {
                            throw refuse(EBADFD, "link", b.name(), "no hardware parameters yet");
                        }
                        if (state != b.state) {
                            throw refuse(EBADFD, "link", b.state, "states differ: " + b.name() + " is " + b.state);
                        }
                        if (gb.size() > 1) {
                            throw refuse(EALREADY, "link", b.name(), b.name() + " is already linked");
                        }
                        ga.members(joined);
                        b.group = ga;
                        notices = notices(joined, joined);
                    } finally {
                        unlockAll(locked);
                    }
                    // still holding the group lock: no trigger of the group runs until every driver is told
                    deliver(notices);
                } finally {
                    second.lock.unlock();
                }
            } finally {
                first.lock.unlock();
            }
        } finally {
            SubstreamGroup.LINKS.unlock();
        }
    }

    @Override
    public void unlink() {
        unlink("unlink", false);
    }

    /**
     * snd_pcm_unlink: this substream leaves its group; a group left with one
     * member is dissolved. {@code quietly} (close): no checks, nothing when not linked.
     */
    private void unlink(String op, boolean quietly) {
        SubstreamGroup.LINKS.lock();
        try {
            SubstreamGroup g = group;
            List<SubstreamGroup> fresh = new ArrayList<>(2);
            g.lock.lock();
            try {
                Substream[] members = g.members();
                List<Notice> notices;
                lockAll(members);
                try {
                    if (!quietly) {
                        checkUsable(op);
                    }
                    if (members.length == 1) {
                        if (quietly) {
                            return;
                        }
                        throw refuse(EALREADY, op, null, "not linked");
                    }
                    Substream[] rest = without(members, this);
                    // the new groups are locked before anyone can see them: their triggers wait for the notices too
                    group = soloGroup(this, fresh);
                    if (rest.length == 1) {
                        rest[0].group = soloGroup(rest[0], fresh);
                    }
                    g.members(rest);
                    notices = notices(members, rest);
                } finally {
                    unlockAll(members);
                }
                deliver(notices);
            } finally {
                for (SubstreamGroup n : fresh) {
                    n.lock.unlock();
                }
                g.lock.unlock();
            }
        } finally {
            SubstreamGroup.LINKS.unlock();
        }
    }

    private static SubstreamGroup soloGroup(Substream s, List<SubstreamGroup> fresh) {
        SubstreamGroup g = new SubstreamGroup(s);
        g.lock.lock();
        fresh.add(g);
        return g;
    }

    @Override
    public Set<SubstreamView> linkedWith() {
        lockStream();
        try {
            // the membership cannot change while this stream lock is held
            Substream[] members = group.members();
            if (members.length == 1) {
                return Set.of();
            }
            // views, never the substreams: a partner must not gain rights through its group
            Set<SubstreamView> others = new LinkedHashSet<>();
            for (Substream m : members) {
                if (m != this) {
                    others.add(m.linkView);
                }
            }
            return Collections.unmodifiableSet(others);
        } finally {
            lock.unlock();
        }
    }

    /** The read-only view partners and listeners get of this substream. */
    SubstreamView view() {
        return linkView;
    }

    /** This substream's group now (tests check the invariants with it). */
    SubstreamGroup group() {
        return group;
    }

    /** A driver to tell and what to tell it. */
    private record Notice(Substream to, PcmOps ops, Set<SubstreamView> linkedWith) {
    }

    /**
     * The notices for every substream in {@code affected} whose driver is still
     * there: the other members of {@code group} when it is one of them and the
     * group has several, else the empty set. Under the stream locks of all of them.
     */
    private static List<Notice> notices(Substream[] affected, Substream[] group) {
        List<Notice> out = new ArrayList<>(affected.length);
        for (Substream s : affected) {
            if (s.driverReleased || s.ops == null) {
                continue;
            }
            Set<SubstreamView> with = new LinkedHashSet<>();
            if (group.length > 1 && Arrays.asList(group).contains(s)) {
                for (Substream m : group) {
                    if (m != s) {
                        with.add(m.linkView);
                    }
                }
            }
            out.add(new Notice(s, s.ops, with.isEmpty() ? Set.of() : Collections.unmodifiableSet(with)));
        }
        return out;
    }

    /** Tells the drivers, with no stream lock held; a driver's failure changes nothing. */
    private static void deliver(List<Notice> notices) {
        for (Notice n : notices) {
            try {
                n.ops().linkChanged(n.linkedWith());
            } catch (RuntimeException ignored) {
                // the link has changed already; the driver keeps its previous idea of it
            }
        }
    }

    private static Substream[] with(Substream[] members, Substream added) {
        Substream[] out = Arrays.copyOf(members, members.length + 1);
        out[members.length] = added;
        Arrays.sort(out, (x, y) -> Long.compare(x.serial, y.serial));
        return out;
    }

    private static Substream[] without(Substream[] members, Substream removed) {
        Substream[] out = new Substream[members.length - 1];
        int i = 0;
        for (Substream m : members) {
            if (m != removed) {
                out[i++] = m;
            }
        }
        return out;
    }

    private static Substream[] union(Substream[] a, Substream[] b) {
        LinkedHashSet<Substream> all = new LinkedHashSet<>(Arrays.asList(a));
        all.addAll(Arrays.asList(b));
        Substream[] out = all.toArray(new Substream[0]);
        Arrays.sort(out, (x, y) -> Long.compare(x.serial, y.serial));
        return out;
    }

    /** Stream locks by serial: the fixed order every multi-lock taker outside one group lock keeps. */
    private static void lockAll(Substream[] bySerial) {
        int locked = 0;
        try {
            for (Substream s : bySerial) {
                s.lockStream();
                locked++;
            }
        } catch (RuntimeException | Error e) {
            for (int i = locked - 1; i >= 0; i--) {
                bySerial[i].lock.unlock();
            }
            throw e;
        }
    }

    private static void unlockAll(Substream[] bySerial) {
        for (int i = bySerial.length - 1; i >= 0; i--) {
            bySerial[i].lock.unlock();
        }
    }

    /** What a driver sees of a substream its own is linked with. */
    /** The read-only view; the driver's runtime is this view and more. */
    private class LinkView implements SubstreamView {
        @Override
        public String cardId() {
            return card.id();
        }

        @Override
        public String cardName() {
            return card.info().name();
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
        public Clock clock() {
            return clock;
        }

        @Override
        public HwParams hwParams() {
            return hw;
        }

        @Override
        public PcmState state() {
            return state;
        }

        @Override
        public long hwPtr() {
            return hwPtr;
        }

        @Override
        public String toString() {
            return "linked " + name();
        }
    }

    private void releaseDriver() {
        if (driverReleased || ops == null) {
            return;
        }
        driverReleased = true;
        try {
            if (hw != null) {
                ops.hwFree();
            }
        } catch (RuntimeException ignored) {
            // nothing left to do with a failing driver
        }
        try {
            ops.close();
        } catch (RuntimeException ignored) {
            // same
        }
    }

    // ---------------------------------------------------------------- period listeners

    private static final PeriodListener[] NO_PERIOD_LISTENERS = {};
    /** Copied on change so that the period path reads it without allocating. */
    private volatile PeriodListener[] periodListeners = NO_PERIOD_LISTENERS;

    @Override
    public void addPeriodListener(PeriodListener listener) {
        if (listener == null) {
            throw refuse(EINVAL, "add_period_listener", null, "listener is null");
        }
        lockStream();
        try {
            checkUsable("add_period_listener");
            PeriodListener[] old = periodListeners;
            for (PeriodListener l : old) {
                if (l == listener) {
                    return;
                }
            }
            PeriodListener[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = listener;
            periodListeners = grown;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean removePeriodListener(PeriodListener listener) {
        lockStream();
        try {
            PeriodListener[] old = periodListeners;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == listener) {
                    PeriodListener[] shrunk = new PeriodListener[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    periodListeners = shrunk;
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Under the stream lock, after hw_ptr moved; allocates nothing. */
    private void firePeriodElapsed() {
        PeriodListener[] ls = periodListeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].periodElapsed(linkView, hwPtr);
            } catch (RuntimeException ignored) {
                // one listener's failure must not stop the period path or the others
            }
        }
    }

    /** Under the stream lock, once the state has changed to a stopped one. */
    private void firePeriodStopped() {
        PeriodListener[] ls = periodListeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].stopped(linkView, state);
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }

    // ---------------------------------------------------------------- the driver's view

    /** What the driver sees of this substream (the kernel's substream->runtime). */
    private final class DriverRuntime extends LinkView implements PcmRuntime {
        @Override
        public MemorySegment buffer() {
            return buffer;
        }

        @Override
        public SharedMemory bufferMemory() {
            return bufferMemory;
        }

        @Override
        public void periodElapsed() {
            lockStream();
            try {
                // snd_pcm_period_elapsed_under_stream_lock
                if (running() && updateHwPtr(true) >= 0) {
                    firePeriodElapsed();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void xrun() {
            lockStream();
            try {
                // snd_pcm_stop_xrun
                if (running()) {
                    xrunLocked();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void stop(PcmState target) {
            switch (target) {
                case SETUP, XRUN -> {
                }
                case DRAINING -> {
                    if (playback) {
                        throw refuse(EINVAL, "stop", target, "only a capture stops into DRAINING");
                    }
                }
                default -> throw refuse(EINVAL, "stop", target, "a stop ends in SETUP, XRUN or DRAINING");
            }
            lockStream();
            try {
                // snd_pcm_stop
                if (running()) {
                    action(STOP, target);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long applPtr() {
            return applPtr;
        }

        @Override
        public String toString() {
            return "runtime of " + Substream.this;
        }
    }
}
