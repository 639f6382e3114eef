package pcmshare.sharing.anondup;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EPERM;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.sharing.anondup.PcmPermission;
import pcmshare.core.api.sharing.anondup.PcmPermissions;

/**
 * A dup restricted to a set of permission groups, over a handle of its own on
 * the substream (the core's O_APPEND dup), so it keeps the runtime alive
 * whatever its owner does.
 *
 * <p>The check is one volatile int read and an AND: {@link #allowed} holds the
 * granted bits and {@link #LIVE} while the handle may be used, and drops to
 * zero on close or revoke. A call that may block registers its thread in a few
 * slots so that revoke can interrupt it, the way a signal ends a blocked system
 * call; the thread clears that interrupt itself before it returns.
 */
final class RestrictedHandle implements PcmSubstream {
    static final int LIVE = 1 << 31;
    private static final int INFO = PcmPermission.INFO.bit();
    private static final int MMAP = PcmPermission.MMAP.bit();
    private static final int RW = PcmPermission.RW.bit();
    private static final int STATUS = PcmPermission.STATUS.bit();
    private static final int PARAMS = PcmPermission.PARAMS.bit();
    private static final int LINK = PcmPermission.LINK.bit();
    private static final int TRIGGER = PcmPermission.TRIGGER.bit();
    private static final int POINTER = PcmPermission.POINTER.bit();
    private static final int POWER = PcmPermission.POWER.bit();
    private static final int SLOTS = 4;
    /** Put in a slot by revoke: the thread that was there has been (or is being) interrupted. */
    private static final Thread CLAIMED = new Thread(() -> { }, "anondup-claimed");
    private static final VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(RestrictedHandle.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final String holder;
    final PcmPermissions permissions;
    final RestrictedHandle parent;
    private final AnonDupBackend backend;
    private final PcmSubstream inner;
    private final List<RestrictedHandle> children = new ArrayList<>();
    private final AtomicReferenceArray<Thread> blocked = new AtomicReferenceArray<>(SLOTS);
    /** Threads blocked beyond the slots, and those revoke interrupted there; guarded by this. */
    private final List<Thread> overflow = new ArrayList<>();
    private final List<Thread> overflowInterrupted = new ArrayList<>();

    private volatile int allowed;
    /** Calls between {@link #begin} and {@link #done}; read under this object's monitor by {@link #end}. */
    private volatile int inFlight;
    /** Why {@link #allowed} dropped to zero; guarded by this. */
    private Errno endedWith;
    private String endedWhy;

    RestrictedHandle(long id, String holder, PcmPermissions permissions, RestrictedHandle parent,
            AnonDupBackend backend, PcmSubstream inner) {
        this.id = id;
        this.holder = holder;
        this.permissions = permissions;
        this.parent = parent;
        this.backend = backend;
        this.inner = inner;
        this.allowed = permissions.bits() | LIVE;
    }

    AnonDupBackend backend() {
        return backend;
    }

    PcmSubstream inner() {
        return inner;
    }

    boolean isLive() {
        return (allowed & LIVE) != 0;
    }

    // ------------------------------------------------------------------ checks

    /**
     * Every call starts here: it counts itself in flight, then reads the permission
     * bits. {@link #end} writes the bits, then waits for the count to drop to zero; both
     * sides write, then read (volatile, sequentially consistent), so either the call sees
     * the end and is refused, or the end sees the call and waits for it. When revoke
     * returns, no call of this dup is running or will run.
     */
    private void begin(int bit, String op) {
        IN_FLIGHT.getAndAdd(this, 1);
        if ((allowed & bit) == 0) {
            done();
            throw refused(bit, op);
        }
    }

    /** Every call ends here, also when it failed; the last one out wakes an end that waits. */
    private void done() {
        if ((int) IN_FLIGHT.getAndAdd(this, -1) == 1 && (allowed & LIVE) == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Waits until no call is in flight. Blocked calls were interrupted by {@link #end};
     * the others are short, as the substream's own calls are. Uninterruptible, as the
     * guarantee it gives is: an interrupt is kept for the caller.
     */
    private void awaitCallsInFlight() {
        boolean interrupted = false;
        synchronized (this) {
            while (inFlight != 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized ErrnoException refused(int bit, String op) {
        if ((allowed & LIVE) == 0) {
            return ended(op);
        }
        PcmPermission group = PcmPermission.values()[Integer.numberOfTrailingZeros(bit)];
        return new ErrnoException(EPERM, op, permissions, group, op + " needs permission " + group
                + "; this dup (" + describe() + ") has " + permissions);
    }

    private synchronized ErrnoException ended(String op) {
        return new ErrnoException(endedWith, op, endedWith == EBADF ? "closed" : "revoked", permissions,
                endedWhy + " (" + describe() + ")");
    }

    String describe() {
        return "anondup#" + id + " of " + holder;
    }

    /** An error from the substream after this handle ended under the call is the end, not the substream's. */
    private RuntimeException failure(ErrnoException e, String op) {
        if ((allowed & LIVE) == 0) {
            ErrnoException end = ended(op);
            end.addSuppressed(e);
            return end;
        }
        return e;
    }

    // ------------------------------------------------------------------ blocking calls

    private int enter(String op) {
        Thread me = Thread.currentThread();
        int slot = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (blocked.get(i) == null && blocked.compareAndSet(i, null, me)) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            synchronized (this) {
                overflow.add(me);
            }
        }
        // revoke writes allowed, then reads the slots; this wrote a slot, now reads allowed
        if ((allowed & LIVE) == 0) {
            exit(slot);
            throw ended(op);
        }
        return slot;
    }

    private void exit(int slot) {
        Thread me = Thread.currentThread();
        if (slot < 0) {
            synchronized (this) {
                overflow.remove(me);
                if (overflowInterrupted.remove(me)) {
                    Thread.interrupted();
                }
            }
            return;
        }
        if (blocked.compareAndSet(slot, me, null)) {
            return;
        }
        // revoke claimed the slot: wait until its interrupt has landed, then take it back
        synchronized (this) {
            Thread.interrupted();
            blocked.set(slot, null);
        }
    }

    /**
     * Ends this handle: every later call fails with {@code errno}, blocked callers are
     * woken, and it returns once no call of this handle is running any more, whoever
     * ended it first.
     */
    void end(Errno errno, String why) {
        synchronized (this) {
            if ((allowed & LIVE) == 0) {
                awaitCallsInFlight();
                return;
            }
            endedWith = errno;
            endedWhy = why;
            allowed = 0;
            for (int i = 0; i < SLOTS; i++) {
                Thread t = blocked.get(i);
                if (t != null && t != CLAIMED && blocked.compareAndSet(i, t, CLAIMED)) {
                    t.interrupt();
                }
            }
            for (Thread t : overflow) {
                overflowInterrupted.add(t);
                t.interrupt();
            }
        }
        awaitCallsInFlight();
        inner.close();
    }

    synchronized void addChild(RestrictedHandle child) {
        children.add(child);
    }

    synchronized void removeChild(RestrictedHandle child) {
        children.remove(child);
    }

    synchronized List<RestrictedHandle> children() {
        return List.copyOf(children);
    }

    synchronized int liveChildren() {
        int n = 0;
        for (RestrictedHandle c : children) {
            if (c.isLive()) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ handles

    @Override
    public PcmSubstream dup() {
        return dup(permissions, holder);
    }

    PcmSubstream dup(PcmPermissions wanted, String newHolder) {
        begin(LIVE, "dup");
        try {
            return backend.dup(this, wanted, newHolder);
        } finally {
            done();
        }
    }

    /** Closing a dup drops its own handle on the substream; the owner and the other dups are untouched. */
    @Override
    public void close() {
        synchronized (this) {
            if ((allowed & LIVE) == 0) {
                return;
            }
        }
        end(EBADF, "this dup is closed");
        backend.closed(this);
    }

    /**
     * Shows no more than the dup may read: the substream's state only with STATUS, its
     * name only with INFO.
     */
    @Override
    public String toString() {
        int bits = permissions.bits();
        String on;
        if ((bits & STATUS) != 0) {
            on = " on " + inner;
        } else if ((bits & INFO) != 0) {
            on = " on pcm:" + inner.cardId() + "," + inner.device() + ","
                    + (inner.direction() == Direction.PLAYBACK ? 'p' : 'c') + inner.subdevice();
        } else {
            on = "";
        }
        return describe() + permissions + on;
    }

    // ------------------------------------------------------------------ INFO

    @Override
    public String cardId() {
        begin(INFO, "card_id");
        try {
            return inner.cardId();
        } finally {
            done();
        }
    }

    @Override
    public int device() {
        begin(INFO, "device");
        try {
            return inner.device();
        } finally {
            done();
        }
    }

    @Override
    public Direction direction() {
        begin(INFO, "direction");
        try {
            return inner.direction();
        } finally {
            done();
        }
    }

    @Override
    public int subdevice() {
        begin(INFO, "subdevice");
        try {
            return inner.subdevice();
        } finally {
            done();
        }
    }

    @Override
    public HwConstraints constraints() {
        begin(INFO, "constraints");
        try {
            return inner.constraints();
        } finally {
            done();
        }
    }

    @Override
    public boolean isNonBlocking() {
        begin(INFO, "nonblock");
        try {
            return inner.isNonBlocking();
        } finally {
            done();
        }
    }

    @Override
    public HwParams hwParams() {
        begin(INFO, "hw_params_get");
        try {
            return inner.hwParams();
        } catch (ErrnoException e) {
            throw failure(e, "hw_params_get");
        } finally {
            done();
        }
    }

    @Override
    public SwParams swParams() {
        begin(INFO, "sw_params_get");
        try {
            return inner.swParams();
        } catch (ErrnoException e) {
            throw failure(e, "sw_params_get");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ PARAMS

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        begin(PARAMS, "nonblock");
        try {
            inner.setNonBlocking(nonBlocking);
        } finally {
            done();
        }
    }

    @Override
    public HwParams hwParams(HwParams params) {
        begin(PARAMS, "hw_params");
        try {
            return inner.hwParams(params);
        } catch (ErrnoException e) {
            throw failure(e, "hw_params");
        } finally {
            done();
        }
    }

    @Override
    public void hwFree() {
        begin(PARAMS, "hw_free");
        try {
            inner.hwFree();
        } catch (ErrnoException e) {
            throw failure(e, "hw_free");
        } finally {
            done();
        }
    }

    @Override
    public SwParams swParams(SwParams params) {
        begin(PARAMS, "sw_params");
        try {
            return inner.swParams(params);
        } catch (ErrnoException e) {
            throw failure(e, "sw_params");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ TRIGGER

    @Override
    public void prepare() {
        begin(TRIGGER, "prepare");
        try {
            inner.prepare();
        } catch (ErrnoException e) {
            throw failure(e, "prepare");
        } finally {
            done();
        }
    }

    @Override
    public void start() {
        begin(TRIGGER, "start");
        try {
            inner.start();
        } catch (ErrnoException e) {
            throw failure(e, "start");
        } finally {
            done();
        }
    }

    @Override
    public void drop() {
        begin(TRIGGER, "drop");
        try {
            inner.drop();
        } catch (ErrnoException e) {
            throw failure(e, "drop");
        } finally {
            done();
        }
    }

    @Override
    public void drain() {
        begin(TRIGGER, "drain");
        try {
            int slot = enter("drain");
            try {
                inner.drain();
            } catch (ErrnoException e) {
                throw failure(e, "drain");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    @Override
    public void pause(boolean push) {
        begin(TRIGGER, "pause");
        try {
            inner.pause(push);
        } catch (ErrnoException e) {
            throw failure(e, "pause");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ POWER

    @Override
    public void suspend() {
        begin(POWER, "suspend");
        try {
            inner.suspend();
        } catch (ErrnoException e) {
            throw failure(e, "suspend");
        } finally {
            done();
        }
    }

    @Override
    public void resume() {
        begin(POWER, "resume");
        try {
            inner.resume();
        } catch (ErrnoException e) {
            throw failure(e, "resume");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ POINTER

    @Override
    public void reset() {
        begin(POINTER, "reset");
        try {
            inner.reset();
        } catch (ErrnoException e) {
            throw failure(e, "reset");
        } finally {
            done();
        }
    }

    @Override
    public long rewind(long frames) {
        begin(POINTER, "rewind");
        try {
            return inner.rewind(frames);
        } catch (ErrnoException e) {
            throw failure(e, "rewind");
        } finally {
            done();
        }
    }

    @Override
    public long forward(long frames) {
        begin(POINTER, "forward");
        try {
            return inner.forward(frames);
        } catch (ErrnoException e) {
            throw failure(e, "forward");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ RW

    @Override
    public long write(MemorySegment src, long frames) {
        begin(RW, "write");
        try {
            int slot = enter("write");
            try {
                return inner.write(src, frames);
            } catch (ErrnoException e) {
                throw failure(e, "write");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    @Override
    public long write(MemorySegment[] channels, long frames) {
        begin(RW, "write");
        try {
            int slot = enter("write");
            try {
                return inner.write(channels, frames);
            } catch (ErrnoException e) {
                throw failure(e, "write");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        begin(RW, "read");
        try {
            int slot = enter("read");
            try {
                return inner.read(dst, frames);
            } catch (ErrnoException e) {
                throw failure(e, "read");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    @Override
    public long read(MemorySegment[] channels, long frames) {
        begin(RW, "read");
        try {
            int slot = enter("read");
            try {
                return inner.read(channels, frames);
            } catch (ErrnoException e) {
                throw failure(e, "read");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    @Override
    public MmapArea mmapBegin(long frames) {
        begin(RW, "mmap_begin");
        try {
            return inner.mmapBegin(frames);
        } catch (ErrnoException e) {
            throw failure(e, "mmap_begin");
        } finally {
            done();
        }
    }

    @Override
    public long mmapCommit(long offset, long frames) {
        begin(RW, "mmap_commit");
        try {
            return inner.mmapCommit(offset, frames);
        } catch (ErrnoException e) {
            throw failure(e, "mmap_commit");
        } finally {
            done();
        }
    }

    @Override
    public boolean waitAvail(long timeoutNanos) {
        begin(RW, "wait");
        try {
            int slot = enter("wait");
            try {
                return inner.waitAvail(timeoutNanos);
            } catch (ErrnoException e) {
                throw failure(e, "wait");
            } finally {
                exit(slot);
            }
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ MMAP

    @Override
    public PcmMapping map() {
        begin(MMAP, "mmap");
        try {
            return inner.map();
        } catch (ErrnoException e) {
            throw failure(e, "mmap");
        } finally {
            done();
        }
    }

    // ------------------------------------------------------------------ STATUS

    @Override
    public void hwsync() {
        begin(STATUS, "hwsync");
        try {
            inner.hwsync();
        } catch (ErrnoException e) {
            throw failure(e, "hwsync");
        } finally {
            done();
        }
    }

    @Override
    public PcmState state() {
        begin(STATUS, "state");
        try {
            return inner.state();
        } finally {
            done();
        }
    }

    @Override
    public PcmStatus status() {
        begin(STATUS, "status");
        try {
            return inner.status();
        } catch (ErrnoException e) {
            throw failure(e, "status");
        } finally {
            done();
        }
    }

    @Override
    public long avail() {
        begin(STATUS, "avail");
        try {
            return inner.avail();
        } catch (ErrnoException e) {
            throw failure(e, "avail");
        } finally {
            done();
        }
    }

    @Override
    public long delay() {
        begin(STATUS, "delay");
        try {
            return inner.delay();
        } catch (ErrnoException e) {
            throw failure(e, "delay");
        } finally {
            done();
        }
    }

    @Override
    public void addPeriodListener(PeriodListener listener) {
        begin(STATUS, "add_period_listener");
        try {
            inner.addPeriodListener(listener);
        } catch (ErrnoException e) {
            throw failure(e, "add_period_listener");
        } finally {
            done();
        }
    }

    @Override
    public boolean removePeriodListener(PeriodListener listener) {
        // never refused: a holder may always stop listening, also after revoke
        return inner.removePeriodListener(listener);
    }

    @Override
    public void link(PcmSubstream other) {
        begin(LINK, "link");
        try {
            inner.link(other);
        } catch (ErrnoException e) {
            throw failure(e, "link");
        } finally {
            done();
        }
    }

    @Override
    public void unlink() {
        begin(LINK, "unlink");
        try {
            inner.unlink();
        } catch (ErrnoException e) {
            throw failure(e, "unlink");
        } finally {
            done();
        }
    }

    @Override
    public Set<SubstreamView> linkedWith() {
        begin(STATUS, "linked_with");
        try {
            return inner.linkedWith();
        } catch (ErrnoException e) {
            throw failure(e, "linked_with");
        } finally {
            done();
        }
    }
}
