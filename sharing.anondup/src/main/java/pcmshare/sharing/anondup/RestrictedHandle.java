package pcmshare.sharing.anondup;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EPERM;

import java.lang.foreign.MemorySegment;
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
import pcmshare.core.api.pcm.hw.HwSpace;
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

    private void check(int bit, String op) {
        if ((allowed & bit) == 0) {
            throw refused(bit, op);
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

    /** Ends this handle: every later call fails with {@code errno}, and blocked callers are woken. */
    void end(Errno errno, String why) {
        synchronized (this) {
            if ((allowed & LIVE) == 0) {
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
        check(LIVE, "dup");
        return backend.dup(this, wanted, newHolder);
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

    @Override
    public String toString() {
        return describe() + permissions + " on " + inner;
    }

    // ------------------------------------------------------------------ INFO

    @Override
    public String cardId() {
        check(INFO, "card_id");
        return inner.cardId();
    }

    @Override
    public int device() {
        check(INFO, "device");
        return inner.device();
    }

    @Override
    public Direction direction() {
        check(INFO, "direction");
        return inner.direction();
    }

    @Override
    public int subdevice() {
        check(INFO, "subdevice");
        return inner.subdevice();
    }

    @Override
    public HwConstraints constraints() {
        check(INFO, "constraints");
        return inner.constraints();
    }

    @Override
    public boolean isNonBlocking() {
        check(INFO, "nonblock");
        return inner.isNonBlocking();
    }

    @Override
    public HwParams hwParams() {
        check(INFO, "hw_params_get");
        try {
            return inner.hwParams();
        } catch (ErrnoException e) {
            throw failure(e, "hw_params_get");
        }
    }

    @Override
    public SwParams swParams() {
        check(INFO, "sw_params_get");
        try {
            return inner.swParams();
        } catch (ErrnoException e) {
            throw failure(e, "sw_params_get");
        }
    }

    // ------------------------------------------------------------------ PARAMS

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        check(PARAMS, "nonblock");
        inner.setNonBlocking(nonBlocking);
    }

    @Override
    public HwSpace hwRefine(HwSpace space) {
        check(INFO, "hw_refine");
        try {
            return inner.hwRefine(space);
        } catch (ErrnoException e) {
            throw failure(e, "hw_refine");
        }
    }

    @Override
    public HwParams hwParams(HwSpace space) {
        check(PARAMS, "hw_params");
        try {
            return inner.hwParams(space);
        } catch (ErrnoException e) {
            throw failure(e, "hw_params");
        }
    }

    @Override
    public HwParams hwParams(HwParams params) {
        check(PARAMS, "hw_params");
        try {
            return inner.hwParams(params);
        } catch (ErrnoException e) {
            throw failure(e, "hw_params");
        }
    }

    @Override
    public void hwFree() {
        check(PARAMS, "hw_free");
        try {
            inner.hwFree();
        } catch (ErrnoException e) {
            throw failure(e, "hw_free");
        }
    }

    @Override
    public SwParams swParams(SwParams params) {
        check(PARAMS, "sw_params");
        try {
            return inner.swParams(params);
        } catch (ErrnoException e) {
            throw failure(e, "sw_params");
        }
    }

    // ------------------------------------------------------------------ TRIGGER

    @Override
    public void prepare() {
        check(TRIGGER, "prepare");
        try {
            inner.prepare();
        } catch (ErrnoException e) {
            throw failure(e, "prepare");
        }
    }

    @Override
    public void start() {
        check(TRIGGER, "start");
        try {
            inner.start();
        } catch (ErrnoException e) {
            throw failure(e, "start");
        }
    }

    @Override
    public void drop() {
        check(TRIGGER, "drop");
        try {
            inner.drop();
        } catch (ErrnoException e) {
            throw failure(e, "drop");
        }
    }

    @Override
    public void drain() {
        check(TRIGGER, "drain");
        int slot = enter("drain");
        try {
            inner.drain();
        } catch (ErrnoException e) {
            throw failure(e, "drain");
        } finally {
            exit(slot);
        }
    }

    @Override
    public void pause(boolean push) {
        check(TRIGGER, "pause");
        try {
            inner.pause(push);
        } catch (ErrnoException e) {
            throw failure(e, "pause");
        }
    }

    // ------------------------------------------------------------------ POWER

    @Override
    public void suspend() {
        check(POWER, "suspend");
        try {
            inner.suspend();
        } catch (ErrnoException e) {
            throw failure(e, "suspend");
        }
    }

    @Override
    public void resume() {
        check(POWER, "resume");
        try {
            inner.resume();
        } catch (ErrnoException e) {
            throw failure(e, "resume");
        }
    }

    // ------------------------------------------------------------------ POINTER

    @Override
    public void reset() {
        check(POINTER, "reset");
        try {
            inner.reset();
        } catch (ErrnoException e) {
            throw failure(e, "reset");
        }
    }

    @Override
    public long rewind(long frames) {
        check(POINTER, "rewind");
        try {
            return inner.rewind(frames);
        } catch (ErrnoException e) {
            throw failure(e, "rewind");
        }
    }

    @Override
    public long forward(long frames) {
        check(POINTER, "forward");
        try {
            return inner.forward(frames);
        } catch (ErrnoException e) {
            throw failure(e, "forward");
        }
    }

    // ------------------------------------------------------------------ RW

    @Override
    public long write(MemorySegment src, long frames) {
        check(RW, "write");
        int slot = enter("write");
        try {
            return inner.write(src, frames);
        } catch (ErrnoException e) {
            throw failure(e, "write");
        } finally {
            exit(slot);
        }
    }

    @Override
    public long write(MemorySegment[] channels, long frames) {
        check(RW, "write");
        int slot = enter("write");
        try {
            return inner.write(channels, frames);
        } catch (ErrnoException e) {
            throw failure(e, "write");
        } finally {
            exit(slot);
        }
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        check(RW, "read");
        int slot = enter("read");
        try {
            return inner.read(dst, frames);
        } catch (ErrnoException e) {
            throw failure(e, "read");
        } finally {
            exit(slot);
        }
    }

    @Override
    public long read(MemorySegment[] channels, long frames) {
        check(RW, "read");
        int slot = enter("read");
        try {
            return inner.read(channels, frames);
        } catch (ErrnoException e) {
            throw failure(e, "read");
        } finally {
            exit(slot);
        }
    }

    @Override
    public MmapArea mmapBegin(long frames) {
        check(RW, "mmap_begin");
        try {
            return inner.mmapBegin(frames);
        } catch (ErrnoException e) {
            throw failure(e, "mmap_begin");
        }
    }

    @Override
    public long mmapCommit(long offset, long frames) {
        check(RW, "mmap_commit");
        try {
            return inner.mmapCommit(offset, frames);
        } catch (ErrnoException e) {
            throw failure(e, "mmap_commit");
        }
    }

    @Override
    public boolean waitAvail(long timeoutNanos) {
        check(RW, "wait");
        int slot = enter("wait");
        try {
            return inner.waitAvail(timeoutNanos);
        } catch (ErrnoException e) {
            throw failure(e, "wait");
        } finally {
            exit(slot);
        }
    }

    // ------------------------------------------------------------------ MMAP

    @Override
    public PcmMapping map() {
        check(MMAP, "mmap");
        try {
            return inner.map();
        } catch (ErrnoException e) {
            throw failure(e, "mmap");
        }
    }

    // ------------------------------------------------------------------ STATUS

    @Override
    public void hwsync() {
        check(STATUS, "hwsync");
        try {
            inner.hwsync();
        } catch (ErrnoException e) {
            throw failure(e, "hwsync");
        }
    }

    @Override
    public PcmState state() {
        check(STATUS, "state");
        return inner.state();
    }

    @Override
    public PcmStatus status() {
        check(STATUS, "status");
        try {
            return inner.status();
        } catch (ErrnoException e) {
            throw failure(e, "status");
        }
    }

    @Override
    public long avail() {
        check(STATUS, "avail");
        try {
            return inner.avail();
        } catch (ErrnoException e) {
            throw failure(e, "avail");
        }
    }

    @Override
    public long delay() {
        check(STATUS, "delay");
        try {
            return inner.delay();
        } catch (ErrnoException e) {
            throw failure(e, "delay");
        }
    }

    @Override
    public void addPeriodListener(PeriodListener listener) {
        check(STATUS, "add_period_listener");
        try {
            inner.addPeriodListener(listener);
        } catch (ErrnoException e) {
            throw failure(e, "add_period_listener");
        }
    }

    @Override
    public boolean removePeriodListener(PeriodListener listener) {
        // never refused: a holder may always stop listening, also after revoke
        return inner.removePeriodListener(listener);
    }

    @Override
    public void link(PcmSubstream other) {
        check(LINK, "link");
        try {
            inner.link(other);
        } catch (ErrnoException e) {
            throw failure(e, "link");
        }
    }

    @Override
    public void unlink() {
        check(LINK, "unlink");
        try {
            inner.unlink();
        } catch (ErrnoException e) {
            throw failure(e, "unlink");
        }
    }

    @Override
    public Set<SubstreamView> linkedWith() {
        check(STATUS, "linked_with");
        try {
            return inner.linkedWith();
        } catch (ErrnoException e) {
            throw failure(e, "linked_with");
        }
    }
}
