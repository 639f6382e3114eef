package pcmshare.core.api.impl.memory;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * The memfd as a holder who is not its owner sees it: it reads, writes and maps the
 * memory, and passes it on ({@link #dup()}, {@link #reopen}, which stay restricted),
 * but resizing or sealing is EPERM. The memory carries SHRINK and GROW already, so the
 * size cannot change through any open of it; refusing seals keeps a holder from
 * adding FUTURE_WRITE or SEAL under the owner.
 */
final class HolderMemfd implements Memfd {
    private final Memfd target;
    /** True for a dup or reopen made through this view: closing it closes that open. */
    private final boolean ownsTarget;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HolderMemfd(Memfd target, boolean ownsTarget) {
        this.target = target;
        this.ownsTarget = ownsTarget;
    }

    /** A view on the owner's memfd; closing the view leaves the memfd open. */
    static HolderMemfd viewOf(Memfd memfd) {
        return new HolderMemfd(memfd, false);
    }

    private Memfd target(String operation) {
        if (closed.get()) {
            throw MemfdRules.closed(operation, target.name());
        }
        return target;
    }

    private ErrnoException ownerOnly(String operation, Object value) {
        return new ErrnoException(Errno.EPERM, operation, "holder's handle", value,
                "only the owner of " + target.name() + " may resize or seal it");
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public Access access() {
        return target.access();
    }

    @Override
    public long size() {
        return target("size").size();
    }

    @Override
    public void resize(long newSize) {
        target("ftruncate");
        throw ownerOnly("ftruncate", newSize);
    }

    @Override
    public void addSeals(Set<Seal> seals) {
        target("F_ADD_SEALS");
        throw ownerOnly("F_ADD_SEALS", seals);
    }

    @Override
    public void addSeals(int sealBits) {
        target("F_ADD_SEALS");
        throw ownerOnly("F_ADD_SEALS", Seal.fromBits(sealBits));
    }

    @Override
    public Set<Seal> seals() {
        return target("F_GET_SEALS").seals();
    }

    @Override
    public int sealBits() {
        return target("F_GET_SEALS").sealBits();
    }

    @Override
    public MemfdMapping map(Access access) {
        return target("mmap").map(access);
    }

    @Override
    public MemfdMapping mapConfined(Access access) {
        return target("mmap").mapConfined(access);
    }

    @Override
    public long write(long offset, MemorySegment src) {
        return target("pwrite").write(offset, src);
    }

    @Override
    public long read(long offset, MemorySegment dst) {
        return target("pread").read(offset, dst);
    }

    @Override
    public Memfd dup() {
        return new HolderMemfd(target("dup").dup(), true);
    }

    @Override
    public Memfd reopen(Access access) {
        return new HolderMemfd(target("open").reopen(access), true);
    }

    @Override
    public OptionalInt fd() {
        return closed.get() ? OptionalInt.empty() : target.fd();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsTarget) {
            target.close();
        }
    }

    @Override
    public String toString() {
        return "holder view of " + target + (closed.get() ? " (closed)" : "");
    }
}
