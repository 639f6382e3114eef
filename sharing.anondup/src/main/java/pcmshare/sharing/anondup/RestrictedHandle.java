package pcmshare.sharing.anondup;

import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EPERM;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
 * whatever its owner does. Every call passes its {@link CallGate}: the check is one
 * atomic add, a volatile read and an AND, and close or revoke end the gate, returning
 * only when no call of the dup runs any more. Calls that may block register their
 * thread, so that the end can wake them; a transfer in non-blocking mode cannot
 * block and is only counted ({@link #transfer}).
 */
final class RestrictedHandle implements PcmSubstream {
    static final int LIVE = CallGate.LIVE;
    private static final int INFO = PcmPermission.INFO.bit();
    private static final int MMAP = PcmPermission.MMAP.bit();
    private static final int RW = PcmPermission.RW.bit();
    private static final int STATUS = PcmPermission.STATUS.bit();
    private static final int PARAMS = PcmPermission.PARAMS.bit();
    private static final int LINK = PcmPermission.LINK.bit();
    private static final int TRIGGER = PcmPermission.TRIGGER.bit();
    private static final int POINTER = PcmPermission.POINTER.bit();
    private static final int POWER = PcmPermission.POWER.bit();
    /** What {@link #transfer} does. */
    private static final int WRITE = 0;
    private static final int WRITE_CHANNELS = 1;
    private static final int READ = 2;
    private static final int READ_CHANNELS = 3;

    final long id;
    final String holder;
    final PcmPermissions permissions;
    final RestrictedHandle parent;
    private final AnonDupBackend backend;
    private final PcmSubstream inner;
    private final CallGate gate;
    private final List<RestrictedHandle> children = new ArrayList<>();
    /**
     * The mode of {@link #inner} as the transfers read it: true only while the inner
     * handle is non-blocking, so a transfer that reads true cannot block. Written under
     * {@link #modeLock} ({@link #setNonBlocking}).
     */
    private volatile boolean nonBlocking;
    private final Object modeLock = new Object();

    RestrictedHandle(long id, String holder, PcmPermissions permissions, RestrictedHandle parent,
            AnonDupBackend backend, PcmSubstream inner) {
        this.id = id;
        this.holder = holder;
        this.permissions = permissions;
        this.parent = parent;
        this.backend = backend;
        this.inner = inner;
        this.gate = new CallGate(permissions.bits());
        this.nonBlocking = inner.isNonBlocking();
    }

    AnonDupBackend backend() {
        return backend;
    }

    PcmSubstream inner() {
        return inner;
    }

    boolean isLive() {
        return gate.isLive();
    }

    // ------------------------------------------------------------------ checks

    /** Every call starts here and, once begun, ends in {@link #done()}. */
    private void begin(int bit, String op) {
        if (!gate.begin(bit)) {
            throw refused(bit, op);
        }
    }

    private void done() {
        gate.done();
    }

    private ErrnoException refused(int bit, String op) {
        if (!gate.isLive()) {
            return ended(op);
        }
        PcmPermission group = PcmPermission.values()[Integer.numberOfTrailingZeros(bit)];
        return new ErrnoException(EPERM, op, permissions, group, op + " needs permission " + group
                + "; this dup (" + describe() + ") has " + permissions);
    }

    private ErrnoException ended(String op) {
        Errno errno = gate.endedWith();
        return new ErrnoException(errno, op, errno == EBADF ? "closed" : "revoked", permissions,
                gate.endedWhy() + " (" + describe() + ")");
    }

    String describe() {
        return "anondup#" + id + " of " + holder;
    }

    /** An error from the substream after this handle ended under the call is the end, not the substream's. */
    private RuntimeException failure(ErrnoException e, String op) {
        if (!gate.isLive()) {
            ErrnoException end = ended(op);
            end.addSuppressed(e);
            return end;
        }
        return e;
    }

    // ------------------------------------------------------------------ blocking calls

    /**
     * A call that may block starts here instead: its thread's registration, which lets
     * the end interrupt it, counts it in flight too, so nothing else is paid.
     */
    private int enter(int bit, String op) {
        int slot = gate.enter(bit);
        if (slot == CallGate.REFUSED) {
            throw refused(bit, op);
        }
        return slot;
    }

    private void exit(int slot) {
        gate.exit(slot);
    }

    /**
     * A transfer. One that cannot block (non-blocking mode) is counted in flight, with
     * one atomic add to enter and one to leave, as the calls that never block are; one
     * that may block registers its thread, so that the end can wake it. The mode is read
     * again once the transfer is counted, and a switch to blocking waits for the counted
     * transfers before the inner handle blocks ({@link #setNonBlocking}): either this
     * sees the switch and registers, or the switch sees this and waits for it. So no
     * transfer blocks without its thread registered.
     */
    private long transfer(int kind, MemorySegment data, MemorySegment[] channels, long frames) {
        String op = kind == WRITE || kind == WRITE_CHANNELS ? "write" : "read";
        boolean counted = false;
        if (nonBlocking) {
            if (!gate.beginTransfer(RW)) {
                throw refused(RW, op);
            }
            counted = nonBlocking;
            if (!counted) {
                gate.doneTransfer();
            }
        }
        int slot = counted ? 0 : enter(RW, op);
        try {
            return switch (kind) {
                case WRITE -> inner.write(data, frames);
                case WRITE_CHANNELS -> inner.write(channels, frames);
                case READ -> inner.read(data, frames);
                default -> inner.read(channels, frames);
            };
        } catch (ErrnoException e) {
            throw failure(e, op);
        } finally {
            if (counted) {
                gate.doneTransfer();
            } else {
                exit(slot);
            }
        }
    }

    /**
     * Ends this handle: every later call fails with {@code errno}, blocked callers are
     * woken, and it returns once no call of this handle is running any more, whoever
     * ended it first; then its own handle on the substream is closed.
     */
    void end(Errno errno, String why) {
        if (gate.end(errno, why)) {
            inner.close();
        }
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
        if (!gate.isLive()) {
            return;
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

    /**
     * Switching to blocking mode, the transfers see it first, then those counted as
     * non-blocking finish, and only then may the inner handle block: no transfer blocks
     * without its thread registered for the end to wake.
     */
    @Override
    public void setNonBlocking(boolean nonBlocking) {
        begin(PARAMS, "nonblock");
        try {
            synchronized (modeLock) {
                if (nonBlocking) {
                    inner.setNonBlocking(true);
                    this.nonBlocking = true;
                } else {
                    this.nonBlocking = false;
                    gate.awaitTransfers();
                    inner.setNonBlocking(false);
                }
            }
        } finally {
            done();
        }
    }

    @Override
    public HwSpace hwRefine(HwSpace space) {
        begin(INFO, "hw_refine");
        try {
            return inner.hwRefine(space);
        } catch (ErrnoException e) {
            throw failure(e, "hw_refine");
        } finally {
            done();
        }
    }

    @Override
    public HwParams hwParams(HwSpace space) {
        begin(PARAMS, "hw_params");
        try {
            return inner.hwParams(space);
        } catch (ErrnoException e) {
            throw failure(e, "hw_params");
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
        int slot = enter(TRIGGER, "drain");
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
        return transfer(WRITE, src, null, frames);
    }

    @Override
    public long write(MemorySegment[] channels, long frames) {
        return transfer(WRITE_CHANNELS, null, channels, frames);
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        return transfer(READ, dst, null, frames);
    }

    @Override
    public long read(MemorySegment[] channels, long frames) {
        return transfer(READ_CHANNELS, null, channels, frames);
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
        int slot = enter(RW, "wait");
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
    public long availUpdate() {
        begin(STATUS, "avail_update");
        try {
            return inner.availUpdate();
        } catch (ErrnoException e) {
            throw failure(e, "avail_update");
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
