package pcmshare.core.api.impl.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.memory.SharedMemory;

/** Each holder of buffer memory has a handle of its own, and none can hurt the owner. */
class HolderMemoryTest {

    static Stream<Arguments> allocators() {
        Stream.Builder<Arguments> b = Stream.builder();
        if (Allocators.linuxMemfdFactory() != null) {
            b.add(Arguments.of("kernel memfd", Allocators.memfd(Allocators.linuxMemfdFactory())));
        }
        b.add(Arguments.of("java memfd", Allocators.memfd(Allocators.javaMemfdFactory())));
        b.add(Arguments.of("off-heap", Allocators.offHeap()));
        return b.build();
    }

    private static ErrnoException refused(Runnable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void holderRelease_dropsExactlyItsOwnReference_aSecondReleaseIsANoOp(String impl, MemoryAllocator a) {
        SharedMemory owner = a.allocate("ring", 8192);
        SharedMemory holder = owner.retain();
        assertThat(holder).isNotSameAs(owner);
        assertThat(owner.refCount()).isEqualTo(2);
        holder.release();
        holder.release();
        holder.release();
        assertThat(owner.refCount()).as("the owner's reference is its own").isEqualTo(1);
        owner.segment().set(ValueLayout.JAVA_INT, 4096, 77);
        assertThat(owner.segment().get(ValueLayout.JAVA_INT, 4096)).isEqualTo(77);
        assertThat(catchThrowableOfType(IllegalStateException.class,
                () -> holder.segment().get(ValueLayout.JAVA_INT, 0))).as("the released holder's view is gone")
                .isNotNull();
        assertThat(refused(holder::retain).errno()).isEqualTo(Errno.EBADF);
        owner.release();
        assertThat(owner.refCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void ownerRelease_leavesEachHolderItsMemory(String impl, MemoryAllocator a) {
        SharedMemory owner = a.allocate("ring", 4096);
        SharedMemory first = owner.retain();
        SharedMemory second = first.retain();
        first.segment().set(ValueLayout.JAVA_BYTE, 9, (byte) 5);
        owner.release();
        first.release();
        assertThat(second.segment().get(ValueLayout.JAVA_BYTE, 9)).isEqualTo((byte) 5);
        assertThat(second.refCount()).isEqualTo(1);
        second.release();
        assertThat(second.refCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void holderMemfd_cannotResizeOrReseal_onlyTheOwnerCan(String impl, MemoryAllocator a) {
        SharedMemory owner = a.allocate("ring", 8192);
        SharedMemory holder = owner.retain();
        assumeThat(holder.memfd()).as("memory with a memfd").isPresent();
        Memfd mine = holder.memfd().orElseThrow();
        for (Memfd h : new Memfd[] { mine, mine.dup(), mine.reopen(Access.READ_WRITE) }) {
            ErrnoException shrink = refused(() -> h.resize(0));
            assertThat(shrink.errno()).isEqualTo(Errno.EPERM);
            assertThat(shrink.getMessage()).contains("ftruncate").contains("only the owner");
            assertThat(refused(() -> h.resize(1 << 20)).errno()).isEqualTo(Errno.EPERM);
            assertThat(refused(() -> h.addSeals(EnumSet.of(Seal.FUTURE_WRITE))).errno()).isEqualTo(Errno.EPERM);
            assertThat(refused(() -> h.addSeals(Seal.SEAL.bit())).errno()).isEqualTo(Errno.EPERM);
            // what a holder may do: read, write and map the memory
            try (MemfdMapping m = h.map(Access.READ_WRITE)) {
                m.segment().set(ValueLayout.JAVA_BYTE, 8191, (byte) 3);
            }
            if (h != mine) {
                h.close();
            }
        }
        assertThat(owner.segment().get(ValueLayout.JAVA_BYTE, 8191)).as("the owner reads its whole ring")
                .isEqualTo((byte) 3);
        assertThat(owner.memfd().orElseThrow().seals()).doesNotContain(Seal.FUTURE_WRITE, Seal.SEAL);
        owner.memfd().orElseThrow().addSeals(EnumSet.of(Seal.SEAL));
        holder.release();
        assertThat(holder.memfd()).as("nothing left after release").isEmpty();
        assertThat(refused(mine::size).errno()).isEqualTo(Errno.EBADF);
        owner.release();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void allocatedMemfd_isSealedAgainstShrinkingAndGrowing_beforeAnyoneElseSeesIt(String impl, MemoryAllocator a) {
        SharedMemory owner = a.allocate("ring", 4096);
        assumeThat(owner.memfd()).as("memory with a memfd").isPresent();
        assertThat(owner.memfd().orElseThrow().seals()).contains(Seal.SHRINK, Seal.GROW);
        Memfd passedOn = owner.retain().memfd().orElseThrow().dup();
        assertThat(passedOn.seals()).contains(Seal.SHRINK);
        passedOn.close();
        owner.release();
    }

    @Test
    void mappingAMemfdAPeerMayStillShrink_isMadeSafe_theShrinkIsEBUSY() {
        for (var f : new pcmshare.core.api.memory.MemfdFactory[] { Allocators.linuxMemfdFactory(),
                Allocators.javaMemfdFactory() }) {
            if (f == null) {
                continue;
            }
            Memfd fd = f.create("unsealed", 0x3);
            fd.resize(8192);
            fd.write(5000, MemorySegment.ofArray(new byte[] { 9 }));
            MemfdMapping m = fd.map(Access.READ_ONLY);
            Memfd peer = fd.reopen(Access.READ_WRITE);
            ErrnoException e = refused(() -> peer.resize(4096));
            assertThat(e.errno()).as(f.toString()).isEqualTo(Errno.EBUSY);
            assertThat(e.getMessage()).contains("ftruncate").contains("8192");
            assertThat(m.segment().get(ValueLayout.JAVA_BYTE, 5000)).as("never a fault").isEqualTo((byte) 9);
            m.close();
            peer.resize(4096);
            assertThat(fd.size()).isEqualTo(4096);
            peer.close();
            fd.close();
        }
    }
}
