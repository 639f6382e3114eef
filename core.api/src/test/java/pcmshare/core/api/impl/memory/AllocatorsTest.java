package pcmshare.core.api.impl.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.memory.SharedMemory;

class AllocatorsTest {

    @Test
    void platformAllocator_isMemfdBackedWhereMemfdExists() {
        SharedMemory m = Allocators.platform().allocate("pcm0p", 4096);
        assertThat(m.memfd().isPresent()).isEqualTo(LinuxSyscalls.available());
        m.segment().set(ValueLayout.JAVA_INT, 0, 1234);
        assertThat(m.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(1234);
        m.release();
        assertThat(m.refCount()).isZero();
    }

    @Test
    void memfdAllocator_sharesBytesWithItsMemfdAndFreesOnLastRelease() {
        SharedMemory m = Allocators.memfd(Allocators.memfdFactory()).allocate("pcm0c", 8192);
        Memfd fd = m.memfd().orElseThrow().dup();
        m.segment().set(ValueLayout.JAVA_INT, 4, 77);
        try (var view = fd.map(pcmshare.core.api.memory.Access.READ_ONLY)) {
            assertThat(view.segment().get(ValueLayout.JAVA_INT, 4)).isEqualTo(77);
        }
        fd.addSeals(Set.of(Seal.SHRINK, Seal.GROW));
        assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.GROW);
        SharedMemory other = m.retain();
        m.release();
        m.release();
        assertThatThrownBy(() -> m.segment().get(ValueLayout.JAVA_INT, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(other.segment().get(ValueLayout.JAVA_INT, 4)).as("the other holder's reference").isEqualTo(77);
        assertThatThrownBy(m::retain).isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.EBADF);
        other.release();
        assertThat(m.refCount()).isZero();
        assertThatThrownBy(() -> other.segment().get(ValueLayout.JAVA_INT, 0))
                .isInstanceOf(IllegalStateException.class);
        fd.close();
    }

    @Test
    void memfdAllocator_refusesBadArgumentsWithEINVAL() {
        for (var a : new pcmshare.core.api.memory.MemoryAllocator[] { Allocators.platform(), Allocators.offHeap(),
                Allocators.memfd(Allocators.javaMemfdFactory()) }) {
            assertThatThrownBy(() -> a.allocate("x", 0)).isInstanceOf(ErrnoException.class)
                    .hasMessageStartingWith("EINVAL");
            assertThatThrownBy(() -> a.allocate(null, 10)).isInstanceOf(ErrnoException.class)
                    .hasMessageStartingWith("EINVAL");
        }
    }
}
