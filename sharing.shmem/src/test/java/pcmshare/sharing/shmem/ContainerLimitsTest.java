package pcmshare.sharing.shmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;

/**
 * The container as seed 004 lays it out (what a C peer writes), the limits a reader
 * holds a peer to, and what a writer refuses to seal.
 */
class ContainerLimitsTest {
    private static final long REGS = ContainerFormat.of(0x05, 0x1);
    private static final long HDR10 = ContainerFormat.of(0x0a, 0x10);
    private static final EnumSet<Seal> SEALED = EnumSet.of(Seal.WRITE, Seal.SHRINK, Seal.GROW);

    private static ErrnoException refused(Executable call) {
        try {
            call.execute();
        } catch (ErrnoException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected an ErrnoException, got " + t, t);
        }
        throw new AssertionError("call was not refused");
    }

    /** Bytes as a C peer writes them with seed 004's structs: arrays of formats, then sizes, then offsets. */
    private static byte[] cPeerTwoEntryContainer() {
        ByteBuffer b = ByteBuffer.allocate(12 + 36 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ContainerFormat.NESTING).putInt(36 + 8); // struct shmem_generic_container
        b.putInt(2); // num
        b.putLong(REGS).putLong(HDR10); // formats[2]
        b.putInt(3).putInt(5); // sizes[2]
        b.putInt(0).putInt(3); // offsets[2], from the payload area
        b.put("abcdefgh".getBytes(StandardCharsets.US_ASCII)); // payload
        return b.array();
    }

    private static Memfd sealedWith(MemfdFactory f, byte[] bytes) {
        Memfd fd = f.create("c-peer", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        fd.write(0, MemorySegment.ofArray(bytes));
        fd.addSeals(SEALED);
        return fd;
    }

    private static String text(MemorySegment s) {
        return new String(s.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("nesting layout: a C peer's two-entry container (u32 num, u64 formats[], u32 sizes[], u32 offsets[]) is read")
    void nestingContainer_isSeed004Layout_cPeersTwoEntryContainerIsRead(String impl, MemfdFactory f) {
        try (Memfd fd = sealedWith(f, cPeerTwoEntryContainer());
                ValidatedContainer c = new ContainerReader().read(fd)) {
            assertThat(c.format()).isEqualTo(ContainerFormat.NESTING);
            assertThat(c.entries()).extracting(ContainerEntry::format).containsExactly(REGS, HDR10);
            assertThat(c.entries()).extracting(e -> text(e.payload())).containsExactly("abc", "defgh");
        }
    }

    @Test
    @DisplayName("nesting layout: what the writer seals is byte for byte what a C peer writes")
    void nestingContainer_isSeed004Layout_writerWritesWhatACPeerReads() {
        MemfdFactory f = Allocators.memfdFactory();
        List<ContainerEntry> entries = List.of(
                new ContainerEntry(REGS, MemorySegment.ofArray("abc".getBytes(StandardCharsets.US_ASCII))),
                new ContainerEntry(HDR10, MemorySegment.ofArray("defgh".getBytes(StandardCharsets.US_ASCII))));
        try (Memfd fd = new ContainerWriter(f).nesting("planes", entries);
                MemfdMapping m = fd.map(Access.READ_ONLY)) {
            assertThat(m.segment().toArray(ValueLayout.JAVA_BYTE)).containsExactly(cPeerTwoEntryContainer());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("limits: a sealed nesting container with more entries than the policy allows is refused naming the limit")
    void sealedNesting_overEntryLimit_refusedNamingTheLimit(String impl, MemfdFactory f) {
        int num = FormatPolicy.DEFAULT_MAX_ENTRIES * 2;
        long inner = 4 + 16L * num;
        ByteBuffer b = ByteBuffer.allocate((int) (12 + inner)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ContainerFormat.NESTING).putInt((int) inner).putInt(num);
        for (int i = 0; i < num; i++) {
            b.putLong(REGS); // empty entries at offset 0: valid but for their number
        }
        try (Memfd fd = sealedWith(f, b.array())) {
            ErrnoException e = refused(() -> new ContainerReader().read(fd).close());
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.value()).isEqualTo((long) num);
            assertThat(e.getMessage()).contains("num").contains(Integer.toString(FormatPolicy.DEFAULT_MAX_ENTRIES))
                    .contains("maxEntries");
            // a reader that allows that many takes it
            try (ValidatedContainer c = new ContainerReader(FormatPolicy.any().withLimits(1 << 20, num)).read(fd)) {
                assertThat(c.entries()).hasSize(num);
            }
        }
    }

    @Test
    @DisplayName("limits: a sealed 4 GiB sparse container is refused naming the byte limit, before anything is allocated")
    void sealedHugeSparseContainer_refusedNamingTheByteLimit() {
        MemfdFactory f = Allocators.linuxMemfdFactory();
        assumeThat(f).as("sparse memory needs the kernel's memfd").isNotNull();
        long inner = 0xffff_fff0L;
        try (Memfd fd = f.create("sparse", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING)) {
            fd.resize(12 + inner);
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(ContainerFormat.NESTING).putInt((int) inner).putInt((int) (inner / 16 - 1));
            fd.write(0, MemorySegment.ofArray(b.array()));
            fd.addSeals(SEALED);
            for (FormatPolicy policy : new FormatPolicy[] { FormatPolicy.any(),
                    FormatPolicy.any().withLimits(1 << 20, Integer.MAX_VALUE) }) {
                ErrnoException e = refused(() -> new ContainerReader(policy).read(fd).close());
                assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                assertThat(e.value()).isEqualTo(12 + inner);
                assertThat(e.getMessage()).contains("size").contains(Long.toString(policy.maxBytes()))
                        .contains("maxBytes");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("limits: an unsealed container is copied only as far as its header declares, and refused beyond the limit")
    void unsealedContainer_overByteLimit_refusedBeforeCopying(String impl, MemfdFactory f) {
        try (Memfd fd = f.create("unsealed", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING)) {
            ByteBuffer b = ByteBuffer.allocate(12 + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(REGS).putInt(4096).putInt(7);
            fd.write(0, MemorySegment.ofArray(b.array()));
            fd.resize(12 + 4096);
            ErrnoException e = refused(() -> new ContainerReader(FormatPolicy.any().withLimits(1024, 16))
                    .read(fd).close());
            assertThat(e.getMessage()).contains("1024").contains("maxBytes");
            try (ValidatedContainer c = new ContainerReader().read(fd)) {
                assertThat(c.inPlace()).isFalse();
                assertThat(c.payload().byteSize()).isEqualTo(4096);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("writer: DRM_FORMAT_MOD_INVALID is EINVAL, nothing is sealed that a reader would refuse")
    void writeGeneric_invalidFormat_isEINVAL(String impl, MemfdFactory f) {
        ShmemContainers containers = new ShmemContainers(f);
        MemorySegment payload = Arena.ofAuto().allocate(8);
        ErrnoException e = refused(() -> containers.writeGeneric("bad", ContainerFormat.INVALID, payload).close());
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.operation()).isEqualTo("write_container");
        assertThat(e.getMessage()).contains("DRM_FORMAT_MOD_INVALID");
        ErrnoException nested = refused(() -> containers.writeNesting("bad", List.of(
                new ContainerEntry(REGS, payload), new ContainerEntry(ContainerFormat.INVALID, payload))).close());
        assertThat(nested.errno()).isEqualTo(Errno.EINVAL);
        assertThat(nested.getMessage()).contains("formats[1]");
    }
}
