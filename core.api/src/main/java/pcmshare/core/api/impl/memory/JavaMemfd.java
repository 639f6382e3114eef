package pcmshare.core.api.impl.memory;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/** A handle on {@link JavaMemory}: what an open file description is to the kernel. */
final class JavaMemfd implements Memfd {
    private final JavaMemory memory;
    private final Access access;
    private final AtomicBoolean closed = new AtomicBoolean();

    JavaMemfd(JavaMemory memory, Access access) {
        this.memory = memory;
        this.access = access;
    }

    private JavaMemory memory(String operation) {
        if (closed.get()) {
            throw MemfdRules.closed(operation, memory.name);
        }
        return memory;
    }

    @Override
    public String name() {
        return memory.name;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public long size() {
        return memory("size").size();
    }

    @Override
    public void resize(long newSize) {
        memory("ftruncate").resize(newSize, access);
    }

    @Override
    public void addSeals(Set<Seal> seals) {
        addSeals(Seal.toBits(seals));
    }

    @Override
    public void addSeals(int sealBits) {
        memory("F_ADD_SEALS").addSeals(sealBits, access);
    }

    @Override
    public Set<Seal> seals() {
        return Seal.fromBits(sealBits());
    }

    @Override
    public int sealBits() {
        return memory("F_GET_SEALS").seals();
    }

    @Override
    public MemfdMapping map(Access mapAccess) {
        return memory("mmap").map(Objects.requireNonNull(mapAccess, "access"), access, false);
    }

    @Override
    public MemfdMapping mapConfined(Access mapAccess) {
        return memory("mmap").map(Objects.requireNonNull(mapAccess, "access"), access, true);
    }

    @Override
    public long write(long offset, MemorySegment src) {
        return memory("pwrite").write(offset, src, access);
    }

    @Override
    public long read(long offset, MemorySegment dst) {
        return memory("pread").read(offset, dst);
    }

    @Override
    public Memfd dup() {
        JavaMemory m = memory("dup");
        m.reference();
        return new JavaMemfd(m, access);
    }

    @Override
    public Memfd reopen(Access newAccess) {
        Objects.requireNonNull(newAccess, "access");
        JavaMemory m = memory("open");
        m.reference();
        return new JavaMemfd(m, newAccess);
    }

    @Override
    public OptionalInt fd() {
        return OptionalInt.empty();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            memory.unreference();
        }
    }

    @Override
    public String toString() {
        return "java-memfd:" + memory.name + "[" + access + (closed.get() ? ", closed]" : "]");
    }
}
