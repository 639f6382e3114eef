package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.SharedMemory;

/**
 * One holder's reference on buffer memory, as a VMA or a dma-buf file is one
 * reference in the kernel. Its segment is a view of its own: releasing the handle
 * ends that view and drops exactly this one reference (twice is harmless); no holder
 * can end another's. Only the owner, the handle the allocator returned, reaches the
 * memfd itself; every other holder sees it through a {@link HolderMemfd}, which can
 * read, write and map but never resize or reseal.
 */
final class MemoryHandle implements SharedMemory {
    private final MemoryBacking backing;
    private final boolean owner;
    private final Arena scope;
    private final MemorySegment segment;
    private final AtomicBoolean released = new AtomicBoolean();
    // made on first use: most holders never ask for the memfd
    private volatile HolderMemfd holderMemfd;

    private MemoryHandle(MemoryBacking backing, boolean owner) {
        this.backing = backing;
        this.owner = owner;
        this.scope = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(backing.segment.address()).reinterpret(backing.byteSize(), scope,
                null);
    }

    /** The allocator's handle: it holds the reference the backing was born with. */
    static MemoryHandle owner(MemoryBacking backing) {
        return new MemoryHandle(backing, true);
    }

    @Override
    public String name() {
        return backing.name;
    }

    @Override
    public long byteSize() {
        return backing.byteSize();
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    /** A handle of its own for another holder, holding one more reference. */
    @Override
    public SharedMemory retain() {
        if (released.get()) {
            throw new ErrnoException(Errno.EBADF, "retain", "released", name(),
                    "this handle was released by its holder");
        }
        backing.retain("retain");
        return new MemoryHandle(backing, false);
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            HolderMemfd view = holderMemfd;
            if (view != null) {
                view.close();
            }
            // the view ends first: no access through it can reach memory the backing frees
            scope.close();
            backing.release();
        }
    }

    @Override
    public int refCount() {
        return backing.refCount();
    }

    @Override
    public Optional<Memfd> memfd() {
        Memfd memfd = backing.memfd;
        if (memfd == null || released.get()) {
            return Optional.empty();
        }
        if (owner) {
            return Optional.of(memfd);
        }
        HolderMemfd view = holderMemfd;
        if (view == null) {
            synchronized (this) {
                view = holderMemfd;
                if (view == null) {
                    view = HolderMemfd.viewOf(memfd);
                    holderMemfd = view;
                }
            }
        }
        return Optional.of(view);
    }

    /** Whether this is the allocator's handle, the one that may resize and reseal. */
    boolean isOwner() {
        return owner;
    }

    @Override
    public String toString() {
        return (owner ? "owner" : "holder") + (released.get() ? " (released)" : "") + " of " + backing;
    }
}
