package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

class ContainerReaderTest {
    private static final long HDR10 = ContainerFormat.of(0x0a, 0x10);
    private static final long REGS = ContainerFormat.of(0x05, 0x1);

    private static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(MemorySegment s) {
        return new String(s.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** A container written by a writer that does not seal. */
    private static Memfd unsealed(MemfdFactory f, long format, String payload) {
        Memfd fd = f.create("unsealed", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        MemorySegment p = text(payload);
        fd.resize(ContainerLayout.genericSize(p.byteSize()));
        try (MemfdMapping m = fd.map(Access.READ_WRITE)) {
            ContainerLayout.writeGeneric(m.segment(), format, p);
        }
        return fd;
    }

    private static ErrnoException invalid(Runnable r) {
        try {
            r.run();
        } catch (ErrnoException e) {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            return e;
        }
        throw new AssertionError("not refused");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("a sealed generic container is validated and used in place")
    void sealedGeneric_isUsedInPlace(String impl, MemfdFactory f) {
        ContainerWriter writer = new ContainerWriter(f);
        try (Memfd fd = writer.generic("hdr", HDR10, text("max-cll=1000"));
                ValidatedContainer c = new ContainerReader().read(fd)) {
            assertThat(fd.seals()).containsAll(ContainerWriter.SEALS);
            assertThat(c.inPlace()).isTrue();
            assertThat(c.format()).isEqualTo(HDR10);
            assertThat(text(c.payload())).isEqualTo("max-cll=1000");
            assertThat(c.payload().isReadOnly()).isTrue();
            assertThat(c.entries()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("a sealed nesting container yields its entries in place")
    void sealedNesting_yieldsEntries(String impl, MemfdFactory f) {
        ContainerWriter writer = new ContainerWriter(f);
        List<ContainerEntry> entries = List.of(new ContainerEntry(HDR10, text("hdr")),
                new ContainerEntry(REGS, text("")), new ContainerEntry(REGS, text("r0=1,r1=2")));
        try (Memfd fd = writer.nesting("planes", entries);
                ValidatedContainer c = new ContainerReader(FormatPolicy.only(ContainerFormat.NESTING, HDR10, REGS))
                        .read(fd)) {
            assertThat(c.inPlace()).isTrue();
            assertThat(c.format()).isEqualTo(ContainerFormat.NESTING);
            assertThat(c.entries()).extracting(ContainerEntry::format).containsExactly(HDR10, REGS, REGS);
            assertThat(c.entries()).extracting(e -> text(e.payload())).containsExactly("hdr", "", "r0=1,r1=2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("copy-then-validate: a writer changing unsealed memory after validation does not affect the reader")
    void unsealed_writerChangesAfterValidation_readerUnaffected(String impl, MemfdFactory f) {
        try (Memfd fd = unsealed(f, HDR10, "luminance=400"); ValidatedContainer c = new ContainerReader().read(fd)) {
            assertThat(c.inPlace()).isFalse();
            // the writer still has write access: it rewrites format, size and payload
            try (MemfdMapping m = fd.map(Access.READ_WRITE)) {
                m.segment().set(ContainerLayout.U64, 0, REGS);
                m.segment().set(ContainerLayout.U32, 8, 0x7fff_ffff);
                m.segment().asSlice(12).fill((byte) 'X');
            }
            fd.resize(4);
            assertThat(c.format()).isEqualTo(HDR10);
            assertThat(c.payload().byteSize()).isEqualTo(13);
            assertThat(text(c.payload())).isEqualTo("luminance=400");
            // and a new read of the changed memory is refused, naming the field
            assertThat(invalid(() -> new ContainerReader().read(fd)).getMessage()).contains("header");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("sealed memory: the writer's attempt to change it after validation is refused with EPERM")
    void sealed_writerChangesAfterValidation_refusedEPERM(String impl, MemfdFactory f) {
        try (Memfd fd = new ContainerWriter(f).generic("hdr", HDR10, text("luminance=400"));
                ValidatedContainer c = new ContainerReader().read(fd)) {
            assertThat(c.inPlace()).isTrue();
            ErrnoException byMap = catchErrno(() -> fd.map(Access.READ_WRITE));
            assertThat(byMap.errno()).isEqualTo(Errno.EPERM);
            ErrnoException byWrite = catchErrno(() -> fd.write(8, MemorySegment.ofArray(new byte[] { -1, -1 })));
            assertThat(byWrite.errno()).isEqualTo(Errno.EPERM);
            ErrnoException byShrink = catchErrno(() -> fd.resize(4));
            assertThat(byShrink.errno()).isEqualTo(Errno.EPERM);
            assertThat(text(c.payload())).isEqualTo("luminance=400");
        }
    }

    private static ErrnoException catchErrno(Runnable r) {
        try {
            r.run();
        } catch (ErrnoException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("FUTURE_WRITE or SHRINK alone is not enough to be used in place: the bytes are copied")
    void partlySealed_isCopied(String impl, MemfdFactory f) {
        try (Memfd fd = unsealed(f, HDR10, "abc")) {
            fd.addSeals(EnumSet.of(Seal.FUTURE_WRITE, Seal.SHRINK, Seal.GROW));
            try (ValidatedContainer c = new ContainerReader().read(fd)) {
                assertThat(c.inPlace()).isFalse();
                assertThat(text(c.payload())).isEqualTo("abc");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("an unsealed container shrunk below its size field is refused, never read past the end")
    void unsealed_shrunk_refused(String impl, MemfdFactory f) {
        try (Memfd fd = unsealed(f, HDR10, "0123456789")) {
            fd.resize(15);
            ErrnoException e = invalid(() -> new ContainerReader().read(fd));
            assertThat(e.getMessage()).contains("size").contains("beyond the memory's 15 bytes");
            assertThat(e.value()).isEqualTo(10L);
        }
    }

    @Test
    @DisplayName("validation: the generic container's header, size and format are checked and named")
    void generic_validationNamesFieldAndValue() {
        MemorySegment m = Arena.ofAuto().allocate(32);
        assertThat(invalid(() -> ContainerLayout.parseGeneric(m.asSlice(0, 11), FormatPolicy.any())).getMessage())
                .contains("header");
        m.set(ContainerLayout.U64, 0, HDR10);
        m.set(ContainerLayout.U32, 8, 21);
        ErrnoException size = invalid(() -> ContainerLayout.parseGeneric(m, FormatPolicy.any()));
        assertThat(size.getMessage()).contains("size:");
        assertThat(size.value()).isEqualTo(21L);
        m.set(ContainerLayout.U32, 8, -1); // 0xffffffff: u32, not -1
        assertThat(invalid(() -> ContainerLayout.parseGeneric(m, FormatPolicy.any())).value()).isEqualTo(0xffff_ffffL);
        m.set(ContainerLayout.U32, 8, 20);
        assertThat(ContainerLayout.parseGeneric(m, FormatPolicy.any()).payload().byteSize()).isEqualTo(20);
        ErrnoException format = invalid(() -> ContainerLayout.parseGeneric(m, FormatPolicy.only(REGS)));
        assertThat(format.getMessage()).contains("format").contains("0x0a00000000000010");
        assertThat(ContainerLayout.parseGeneric(m, FormatPolicy.vendors(0x0a)).format()).isEqualTo(HDR10);
        m.set(ContainerLayout.U64, 0, ContainerFormat.INVALID);
        assertThat(invalid(() -> ContainerLayout.parseGeneric(m, FormatPolicy.any())).getMessage())
                .contains("DRM_FORMAT_MOD_INVALID");
    }

    private static MemorySegment nesting(long payloadArea, long[]... entries) {
        MemorySegment m = Arena.ofAuto().allocate(4 + 16L * entries.length + payloadArea);
        m.set(ContainerLayout.U32, 0, entries.length);
        int n = entries.length;
        for (int i = 0; i < n; i++) {
            m.set(ContainerLayout.U64, 4 + 8L * i, entries[i][0]);
            m.set(ContainerLayout.U32, 4 + 8L * n + 4L * i, (int) entries[i][1]);
            m.set(ContainerLayout.U32, 4 + 12L * n + 4L * i, (int) entries[i][2]);
        }
        return m;
    }

    @Test
    @DisplayName("validation: nesting counts that do not fit, offsets and sizes beyond the memory, overflows and overlaps are refused")
    void nesting_validationNamesFieldAndValue() {
        FormatPolicy any = FormatPolicy.any();
        MemorySegment tooMany = nesting(0, new long[] { REGS, 0, 0 });
        tooMany.set(ContainerLayout.U32, 0, 2);
        ErrnoException count = invalid(() -> ContainerLayout.parseNesting(tooMany, any));
        assertThat(count.getMessage()).contains("num");
        assertThat(count.value()).isEqualTo(2L);
        MemorySegment hugeCount = nesting(0);
        hugeCount.set(ContainerLayout.U32, 0, -1);
        assertThat(invalid(() -> ContainerLayout.parseNesting(hugeCount, any)).value()).isEqualTo(0xffff_ffffL);
        assertThat(invalid(() -> ContainerLayout.parseNesting(MemorySegment.NULL, any)).getMessage())
                .contains("num");

        ErrnoException offset = invalid(() -> ContainerLayout.parseNesting(nesting(8, new long[] { REGS, 0, 9 }), any));
        assertThat(offset.getMessage()).contains("offsets[0]");
        assertThat(offset.value()).isEqualTo(9L);
        ErrnoException size = invalid(() -> ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 4, 0 }, new long[] { REGS, 5, 4 }), any));
        assertThat(size.getMessage()).contains("sizes[1]");
        // offset + size wraps a u32 but not the parser's 64-bit arithmetic
        ErrnoException overflow = invalid(() -> ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 0xffff_fff0L, 0x20 }), any));
        assertThat(overflow.getMessage()).contains("offsets[0]");
        ErrnoException overflow2 = invalid(() -> ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 0xffff_fff9L, 0x7 }), any));
        assertThat(overflow2.getMessage()).contains("sizes[0]");
        ErrnoException overlap = invalid(() -> ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 4, 0 }, new long[] { HDR10, 4, 3 }), any));
        assertThat(overlap.getMessage()).contains("offsets[1]").contains("overlaps entry 0");
        assertThat(overlap.value()).isEqualTo(3L);
        ErrnoException format = invalid(() -> ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 4, 0 }, new long[] { HDR10, 4, 4 }), FormatPolicy.only(REGS)));
        assertThat(format.getMessage()).contains("formats[1]");

        // adjacent and empty entries are fine
        List<ContainerEntry> ok = ContainerLayout.parseNesting(
                nesting(8, new long[] { REGS, 4, 4 }, new long[] { HDR10, 4, 0 }, new long[] { REGS, 0, 2 }), any);
        assertThat(ok).extracting(e -> e.payload().byteSize()).containsExactly(4L, 4L, 0L);
    }

    @Test
    @DisplayName("a reader restricted to some formats refuses a nesting container unless NESTING is allowed")
    void restrictedReader_refusesNestingUnlessAllowed() {
        assertThatThrownBy(() -> new ContainerReader(FormatPolicy.only(REGS))
                .read(new ContainerWriter(pcmshare.core.api.impl.memory.Allocators.memfdFactory())
                        .nesting("n", List.of(new ContainerEntry(REGS, text("x"))))))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("format");
    }
}
