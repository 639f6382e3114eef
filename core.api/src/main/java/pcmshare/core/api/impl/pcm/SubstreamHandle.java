package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADF;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

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

/**
 * One handle on an open {@link Substream}, as one open file on a kernel PCM
 * device: {@code PcmCore.open} makes the first, {@link #dup()} more (the
 * kernel's O_APPEND). The substream, its runtime and its buffer live until the
 * last handle closes; closing a handle that is not the last only makes that
 * handle unusable (EBADF). Everything else is the substream's.
 */
final class SubstreamHandle implements PcmSubstream {
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(SubstreamHandle.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Substream substream;
    private volatile boolean closed;
    /**
     * O_NONBLOCK of this handle alone, as the kernel keeps it in the open file's
     * f_flags: one holder's mode never changes whether another's calls block.
     */
    private volatile boolean nonBlocking;
    /** The period listeners registered through this handle and the thread that runs them; they go with it. */
    private final ListenerDispatch listeners;

    /** The first handle, in the mode the substream was opened with. */
    SubstreamHandle(Substream substream) {
        this(substream, substream.isNonBlocking());
    }

    private SubstreamHandle(Substream substream, boolean nonBlocking) {
        this.substream = substream;
        this.nonBlocking = nonBlocking;
        this.listeners = new ListenerDispatch(substream, "handle");
    }

    /** The substream behind a handle the core made, or null for any other handle. */
    static Substream substreamOf(PcmSubstream handle) {
        if (handle instanceof SubstreamHandle h) {
            return h.substream;
        }
        return handle instanceof Substream s ? s : null;
    }

    Substream substream() {
        return substream;
    }

    boolean isClosed() {
        return closed;
    }

    private Substream open(String op) {
        if (closed) {
            throw new ErrnoException(EBADF, op, substream.state(), null, "this handle on " + substream
                    + " is closed");
        }
        return substream;
    }

    @Override
    public PcmSubstream dup() {
        Substream s = open("dup");
        s.retainHandle();
        // a new open file, in the mode of the handle it was made from
        return new SubstreamHandle(s, nonBlocking);
    }

    /**
     * Closes this handle, and with it the period listeners registered through it: a
     * closed (or revoked) holder is called no more, and its listeners no longer keep its
     * classes alive once their thread has ended. Each is told {@link PeriodListener#stopped}
     * once, as on a stop, since no period will reach it any more: by the substream's close
     * when this was the last handle, else here, on the listeners' own thread (never on
     * the closing one, which may be the owner revoking a holder). A listener call under
     * way when this returns may still finish; none starts after but that last one.
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        substream.releaseHandle();
        boolean streamGoesOn = substream.handles() > 0;
        listeners.retireAll(streamGoesOn ? substream.state() : null, true);
    }

    @Override
    public String toString() {
        return (closed ? "closed handle on " : "handle on ") + substream;
    }

    @Override
    public String cardId() {
        return substream.cardId();
    }

    @Override
    public int device() {
        return substream.device();
    }

    @Override
    public Direction direction() {
        return substream.direction();
    }

    @Override
    public int subdevice() {
        return substream.subdevice();
    }

    @Override
    public HwConstraints constraints() {
        return substream.constraints();
    }

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        open("nonblock");
        this.nonBlocking = nonBlocking;
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public HwParams hwParams(HwParams params) {
        return open("hw_params").hwParams(params);
    }

    @Override
    public HwParams hwParams() {
        return open("hw_params").hwParams();
    }

    @Override
    public HwSpace hwRefine(HwSpace space) {
        return open("hw_refine").hwRefine(space);
    }

    @Override
    public void hwFree() {
        open("hw_free").hwFree();
    }

    @Override
    public SwParams swParams(SwParams params) {
        return open("sw_params").swParams(params);
    }

    @Override
    public SwParams swParams() {
        return open("sw_params").swParams();
    }

    @Override
    public void prepare() {
        open("prepare").prepare();
    }

    @Override
    public void start() {
        open("start").start();
    }

    @Override
    public void drop() {
        open("drop").drop();
    }

    @Override
    public void drain() {
        open("drain").drain(nonBlocking);
    }

    @Override
    public void pause(boolean push) {
        open("pause").pause(push);
    }

    @Override
    public void suspend() {
        open("suspend").suspend();
    }

    @Override
    public void resume() {
        open("resume").resume();
    }

    @Override
    public void reset() {
        open("reset").reset();
    }

    @Override
    public long write(MemorySegment src, long frames) {
        return open("write").write(src, frames, nonBlocking);
    }

    @Override
    public long write(MemorySegment[] channels, long frames) {
        return open("write").write(channels, frames, nonBlocking);
    }

    @Override
    public long read(MemorySegment dst, long frames) {
        return open("read").read(dst, frames, nonBlocking);
    }

    @Override
    public long read(MemorySegment[] channels, long frames) {
        return open("read").read(channels, frames, nonBlocking);
    }

    @Override
    public PcmMapping map() {
        return open("mmap").map();
    }

    @Override
    public MmapArea mmapBegin(long frames) {
        return open("mmap_begin").mmapBegin(frames);
    }

    @Override
    public long mmapCommit(long offset, long frames) {
        return open("mmap_commit").mmapCommit(offset, frames);
    }

    @Override
    public long rewind(long frames) {
        return open("rewind").rewind(frames);
    }

    @Override
    public long forward(long frames) {
        return open("forward").forward(frames);
    }

    @Override
    public boolean waitAvail(long timeoutNanos) {
        return open("wait").waitAvail(timeoutNanos);
    }

    @Override
    public void hwsync() {
        open("hwsync").hwsync();
    }

    @Override
    public PcmState state() {
        return substream.state();
    }

    @Override
    public PcmStatus status() {
        return open("status").status();
    }

    @Override
    public long avail() {
        return open("avail").avail();
    }

    @Override
    public long availUpdate() {
        return open("avail_update").availUpdate();
    }

    @Override
    public long delay() {
        return open("delay").delay();
    }

    @Override
    public void link(PcmSubstream other) {
        open("link").link(other);
    }

    @Override
    public void unlink() {
        open("unlink").unlink();
    }

    @Override
    public Set<SubstreamView> linkedWith() {
        return open("linked_with").linkedWith();
    }

    @Override
    public void addPeriodListener(PeriodListener listener) {
        open("add_period_listener");
        // refused EBADF by the dispatch too when a close got in between
        listeners.add(listener, "add_period_listener");
    }

    @Override
    public boolean removePeriodListener(PeriodListener listener) {
        // allowed after close, as on the substream itself
        return listeners.remove(listener);
    }

    /** No listener of this handle has an event waiting or is being called (tests wait for it). */
    boolean listenersIdle() {
        return listeners.idle();
    }
}
