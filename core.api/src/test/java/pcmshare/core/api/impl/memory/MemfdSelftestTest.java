package pcmshare.core.api.impl.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static pcmshare.core.api.memory.MemfdFactory.MFD_ALLOW_SEALING;
import static pcmshare.core.api.memory.MemfdFactory.MFD_CLOEXEC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * The cases of the kernel's tools/testing/selftests/memfd/memfd_test.c that apply,
 * run against the kernel's memfd (through FFM) and against the pure-Java memory:
 * both must behave alike.
 */
class MemfdSelftestTest {
    private static final long MFD_DEF_SIZE = 8192;

    static Stream<Arguments> implementations() {
        Stream.Builder<Arguments> b = Stream.builder();
        if (Allocators.linuxMemfdFactory() != null) {
            b.add(Arguments.of("kernel memfd", Allocators.linuxMemfdFactory()));
        }
        b.add(Arguments.of("java memory", Allocators.javaMemfdFactory()));
        return b.build();
    }

    @Test
    @DisplayName("on Linux the kernel's memfd is used, so these cases test the kernel too")
    void linuxUsesKernelMemfd() {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        assumeThat(linux).isTrue();
        assertThat(LinuxSyscalls.unavailableCause()).isNull();
        assertThat(Allocators.memfdFactory().isNative()).isTrue();
    }

    private static Memfd newMemfd(MemfdFactory f, String name, long size, int flags) {
        Memfd fd = f.create(name, flags);
        fd.resize(size);
        return fd;
    }

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

    private static void assertErrno(Errno errno, Executable call) {
        assertThat(refused(call).errno()).isEqualTo(errno);
    }

    private static MemorySegment bytes(long n, int value) {
        MemorySegment s = Arena.ofAuto().allocate(n);
        s.fill((byte) value);
        return s;
    }

    /** mfd_assert_read: read() and a read-only mapping work. */
    private static void assertRead(Memfd fd) {
        assertThat(fd.read(0, bytes(16, 0))).isEqualTo(16);
        try (MemfdMapping m = fd.map(Access.READ_ONLY)) {
            assertThat(m.segment().get(ValueLayout.JAVA_BYTE, 0)).isNotNull();
        }
    }

    /** mfd_assert_write: write() and a writable shared mapping work. */
    private static void assertWrite(Memfd fd) {
        assertThat(fd.write(0, bytes(4, 0))).isEqualTo(4);
        try (MemfdMapping m = fd.map(Access.READ_WRITE)) {
            m.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        }
    }

    /** mfd_fail_write: write() and writable shared mappings fail with EPERM. */
    private static void failWrite(Memfd fd) {
        assertErrno(Errno.EPERM, () -> fd.write(0, bytes(4, 'd')));
        assertErrno(Errno.EPERM, () -> fd.map(Access.READ_WRITE));
    }

    private static void assertShrink(Memfd fd) {
        fd.resize(MFD_DEF_SIZE / 2);
        assertThat(fd.size()).isEqualTo(MFD_DEF_SIZE / 2);
    }

    private static void failShrink(Memfd fd) {
        long before = fd.size();
        assertErrno(Errno.EPERM, () -> fd.resize(MFD_DEF_SIZE / 2));
        assertThat(fd.size()).isEqualTo(before);
    }

    private static void assertGrow(Memfd fd) {
        fd.resize(MFD_DEF_SIZE * 2);
        assertThat(fd.size()).isEqualTo(MFD_DEF_SIZE * 2);
    }

    private static void failGrow(Memfd fd) {
        long before = fd.size();
        assertErrno(Errno.EPERM, () -> fd.resize(MFD_DEF_SIZE * 2));
        assertThat(fd.size()).isEqualTo(before);
    }

    private static void assertGrowWrite(Memfd fd) {
        assertThat(fd.write(0, bytes(MFD_DEF_SIZE * 8, 1))).isEqualTo(MFD_DEF_SIZE * 8);
        assertThat(fd.size()).isEqualTo(MFD_DEF_SIZE * 8);
    }

    /** mfd_fail_grow_write: a write past the end never completes; GROW may let whole pages before the end through. */
    private static void failGrowWrite(Memfd fd, Errno expected) {
        long before = fd.size();
        try {
            long written = fd.write(0, bytes(MFD_DEF_SIZE * 8, 1));
            assertThat(expected).as("write of %d bytes returned %d", MFD_DEF_SIZE * 8, written).isNull();
            assertThat(written).isEqualTo(before);
        } catch (ErrnoException e) {
            assertThat(e.errno()).isEqualTo(expected == null ? Errno.EPERM : expected);
        }
        assertThat(fd.size()).isEqualTo(before);
    }

    private static Set<Seal> seals(Seal... s) {
        EnumSet<Seal> set = EnumSet.noneOf(Seal.class);
        set.addAll(Set.of(s));
        return set;
    }

    // ---------------------------------------------------------------- create

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("create: NULL, over-long and NUL-carrying names are refused, \"\" is valid")
    void create_badNames(String impl, MemfdFactory f) {
        assertErrno(Errno.EFAULT, () -> f.create(null, 0));
        assertErrno(Errno.EINVAL, () -> f.create("\u00ff".repeat(2047), 0));
        assertErrno(Errno.EINVAL, () -> f.create("x".repeat(MemfdFactory.NAME_MAX_BYTES + 1), 0));
        assertErrno(Errno.EINVAL, () -> f.create("evil\0name", 0));
        try (Memfd fd = f.create("x".repeat(MemfdFactory.NAME_MAX_BYTES), 0)) {
            assertThat(fd.size()).isZero();
        }
        try (Memfd fd = newMemfd(f, "", 0, 0)) {
            assertThat(fd.name()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("create: unknown flags and EXEC|NOEXEC_SEAL are EINVAL; CLOEXEC and ALLOW_SEALING are allowed")
    void create_badFlags(String impl, MemfdFactory f) {
        for (int flags : new int[] { 0x0100, ~MFD_CLOEXEC, ~MFD_ALLOW_SEALING, ~0, 0x80000000, 0x10 | 0x08 }) {
            ErrnoException e = refused(() -> f.create("", flags));
            assertThat(e.errno()).as("flags 0x%x", flags).isEqualTo(Errno.EINVAL);
        }
        for (int flags : new int[] { MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_ALLOW_SEALING | MFD_CLOEXEC }) {
            newMemfd(f, "", 0, flags).close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("create: flags the kernel knows but pcmshare does not use (HUGETLB, EXEC, NOEXEC_SEAL) are EINVAL")
    void create_unsupportedFlags(String impl, MemfdFactory f) {
        for (int flags : new int[] { 0x04, 0x08, 0x10 }) {
            assertThat(refused(() -> f.create("x", flags)).errno()).isEqualTo(Errno.EINVAL);
        }
    }

    // ---------------------------------------------------------------- basic

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("basic: seals are added, adding them again is idempotent, SEAL blocks further seals with EPERM")
    void basic_sealsAddIdempotentAndSealBlocks(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_basic", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            assertThat(fd.seals()).isEmpty();
            fd.addSeals(seals(Seal.SHRINK, Seal.WRITE));
            assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.WRITE);
            fd.addSeals(seals(Seal.SHRINK, Seal.WRITE));
            assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.WRITE);
            fd.addSeals(seals(Seal.GROW, Seal.SEAL));
            assertThat(fd.sealBits()).isEqualTo(0x1 | 0x2 | 0x4 | 0x8);

            ErrnoException e = refused(() -> fd.addSeals(seals(Seal.GROW)));
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(e.operation()).isEqualTo("F_ADD_SEALS");
            assertErrno(Errno.EPERM, () -> fd.addSeals(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("basic: without ALLOW_SEALING the memory carries SEAL and refuses seals with EPERM")
    void basic_noSealingWithoutAllowSealing(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_basic", MFD_DEF_SIZE, MFD_CLOEXEC)) {
            assertThat(fd.seals()).containsExactly(Seal.SEAL);
            assertErrno(Errno.EPERM, () -> fd.addSeals(seals(Seal.SHRINK, Seal.GROW, Seal.WRITE)));
            assertThat(fd.seals()).containsExactly(Seal.SEAL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("basic: unknown seal bits are EINVAL")
    void basic_unknownSealBits(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_basic", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            assertErrno(Errno.EINVAL, () -> fd.addSeals(0x40));
            assertThat(fd.seals()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("exec_seal: F_SEAL_EXEC on an executable memfd also adds SHRINK, GROW, WRITE and FUTURE_WRITE")
    void exec_seal_onExecutableMemfd_impliesWriteShrinkGrowSeals(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_exec_seal", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.EXEC));
            assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.EXEC, Seal.SHRINK, Seal.GROW, Seal.WRITE,
                    Seal.FUTURE_WRITE);
            assertRead(fd);
            failWrite(fd);
            failShrink(fd);
            failGrow(fd);
            // SEAL itself is not implied: more seals may still be added
            fd.addSeals(seals(Seal.SEAL));
            assertThat(fd.seals()).contains(Seal.SEAL);
        }
    }

    // ---------------------------------------------------------------- seal_write

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_write: reads work, writes fail EPERM, resizing still works, growing by write fails")
    void seal_write(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_write", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.WRITE));
            assertThat(fd.seals()).containsExactly(Seal.WRITE);
            assertRead(fd);
            failWrite(fd);
            assertShrink(fd);
            assertGrow(fd);
            failGrowWrite(fd, Errno.EPERM);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_write: refused with EBUSY while a writable shared mapping exists, allowed once it is unmapped")
    void seal_write_refusedWithEBUSYWhileWritableMappingExists(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_write", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            MemfdMapping p = fd.map(Access.READ_WRITE);
            ErrnoException e = refused(() -> fd.addSeals(seals(Seal.WRITE)));
            assertThat(e.errno()).isEqualTo(Errno.EBUSY);
            assertThat(e.operation()).isEqualTo("F_ADD_SEALS");
            assertThat(fd.seals()).isEmpty();
            p.close();
            fd.addSeals(seals(Seal.WRITE));
            assertThat(fd.seals()).containsExactly(Seal.WRITE);
        }
    }

    // ---------------------------------------------------------------- seal_future_write

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_future_write: an existing writable mapping keeps working, new writes and writable maps fail EPERM")
    void seal_future_write(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_future_write", MFD_DEF_SIZE,
                MFD_CLOEXEC | MFD_ALLOW_SEALING); MemfdMapping p = fd.map(Access.READ_WRITE)) {
            assertThat(fd.seals()).isEmpty();
            fd.addSeals(seals(Seal.FUTURE_WRITE));
            assertThat(fd.seals()).containsExactly(Seal.FUTURE_WRITE);

            assertRead(fd);
            failWrite(fd);
            try (Memfd fd2 = fd.reopen(Access.READ_WRITE)) {
                assertRead(fd2);
                failWrite(fd2);
            }
            p.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 22);
            MemorySegment back = bytes(4, 0);
            fd.read(0, back);
            assertThat(back.get(ValueLayout.JAVA_INT_UNALIGNED, 0)).isEqualTo(22);
        }
    }

    // ---------------------------------------------------------------- seal_write_map_read_shared

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_write_map_read_shared: after SEAL_WRITE a read-only shared mapping is allowed, writes still fail")
    void seal_write_map_read_shared(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_write_map_read", MFD_DEF_SIZE,
                MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.WRITE));
            try (MemfdMapping p = fd.map(Access.READ_ONLY)) {
                assertThat(p.segment().isReadOnly()).isTrue();
                assertRead(fd);
                failWrite(fd);
                // the read-only mapping is no writable mapping: the seal can be added again
                fd.addSeals(seals(Seal.WRITE));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("share_mmap: a read-only shared mapping through a writable handle may become writable, so it blocks SEAL_WRITE (EBUSY)")
    void share_mmap_readOnlySharedMappingOfWritableHandleBlocksSealWrite(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_share_mmap", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            try (MemfdMapping p = fd.map(Access.READ_ONLY)) {
                assertErrno(Errno.EBUSY, () -> fd.addSeals(seals(Seal.WRITE)));
            }
            try (Memfd ro = fd.reopen(Access.READ_ONLY); MemfdMapping p = ro.map(Access.READ_ONLY)) {
                fd.addSeals(seals(Seal.WRITE));
            }
        }
    }

    // ---------------------------------------------------------------- seal_shrink / grow / resize

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_shrink: shrinking fails EPERM, reading, writing and growing work")
    void seal_shrink(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_shrink", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.SHRINK));
            assertThat(fd.seals()).containsExactly(Seal.SHRINK);
            assertRead(fd);
            assertWrite(fd);
            failShrink(fd);
            assertGrow(fd);
            assertGrowWrite(fd);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_grow: growing fails EPERM, also by writing past the end; reading, writing and shrinking work")
    void seal_grow(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_grow", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.GROW));
            assertThat(fd.seals()).containsExactly(Seal.GROW);
            assertRead(fd);
            assertWrite(fd);
            assertShrink(fd);
            failGrow(fd);
            failGrowWrite(fd, null);
            // GROW is checked per page: a write at the end is refused, one across it stops short
            long size = fd.size();
            assertErrno(Errno.EPERM, () -> fd.write(size, bytes(2, 1)));
            assertThat(fd.write(size - 1, bytes(2, 1))).isEqualTo(1);
            assertThat(fd.size()).isEqualTo(size);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("seal_resize: SHRINK|GROW refuse every size change with EPERM")
    void seal_resize(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_seal_resize", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.addSeals(seals(Seal.SHRINK, Seal.GROW));
            assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.GROW);
            assertRead(fd);
            assertWrite(fd);
            failShrink(fd);
            failGrow(fd);
            failGrowWrite(fd, null);
            assertThat(fd.size()).isEqualTo(MFD_DEF_SIZE);
        }
    }

    // ---------------------------------------------------------------- share_dup / share_mmap / share_open

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("share_dup: seals are shared between duplicated handles, and they are all equal")
    void share_dup(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_share_dup", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            Memfd fd2 = fd.dup();
            assertThat(fd2.seals()).isEmpty();
            fd.addSeals(seals(Seal.WRITE));
            assertThat(fd.seals()).containsExactly(Seal.WRITE);
            assertThat(fd2.seals()).containsExactly(Seal.WRITE);
            fd2.addSeals(seals(Seal.SHRINK));
            assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);
            assertThat(fd2.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);
            fd.addSeals(seals(Seal.SEAL));
            assertThat(fd2.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK, Seal.SEAL);

            assertErrno(Errno.EPERM, () -> fd.addSeals(seals(Seal.GROW)));
            assertErrno(Errno.EPERM, () -> fd2.addSeals(seals(Seal.GROW)));
            assertErrno(Errno.EPERM, () -> fd.addSeals(seals(Seal.SEAL)));
            assertErrno(Errno.EPERM, () -> fd2.addSeals(seals(Seal.SEAL)));
            fd2.close();
            assertErrno(Errno.EPERM, () -> fd.addSeals(seals(Seal.GROW)));
            assertErrno(Errno.EBADF, () -> fd2.addSeals(seals(Seal.GROW)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("share_mmap: a writable shared mapping prevents SEAL_WRITE (EBUSY) but allows other seals; a read-only mapping allows it")
    void share_mmap(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "kern_memfd_share_mmap", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            try (MemfdMapping p = fd.map(Access.READ_WRITE)) {
                assertErrno(Errno.EBUSY, () -> fd.addSeals(seals(Seal.WRITE)));
                assertThat(fd.seals()).isEmpty();
                fd.addSeals(seals(Seal.SHRINK));
                assertThat(fd.seals()).containsExactly(Seal.SHRINK);
            }
            try (Memfd ro = fd.reopen(Access.READ_ONLY); MemfdMapping p = ro.map(Access.READ_ONLY)) {
                fd.addSeals(seals(Seal.WRITE));
                assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("share_open: a separate open shares seals; a read-only open cannot add seals (EPERM)")
    void share_open(String impl, MemfdFactory f) {
        Memfd fd = newMemfd(f, "kern_memfd_share_open", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        Memfd fd2 = fd.reopen(Access.READ_WRITE);
        fd.addSeals(seals(Seal.WRITE));
        assertThat(fd.seals()).containsExactly(Seal.WRITE);
        assertThat(fd2.seals()).containsExactly(Seal.WRITE);
        fd2.addSeals(seals(Seal.SHRINK));
        assertThat(fd.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);
        assertThat(fd2.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);

        fd.close();
        Memfd ro = fd2.reopen(Access.READ_ONLY);
        assertThat(ro.access()).isEqualTo(Access.READ_ONLY);
        ErrnoException e = refused(() -> ro.addSeals(seals(Seal.SEAL)));
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(ro.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);
        assertThat(fd2.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK);

        fd2.close();
        Memfd rw = ro.reopen(Access.READ_WRITE);
        rw.addSeals(seals(Seal.SEAL));
        assertThat(ro.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK, Seal.SEAL);
        assertThat(rw.seals()).containsExactlyInAnyOrder(Seal.WRITE, Seal.SHRINK, Seal.SEAL);
        rw.close();
        ro.close();
    }

    // ---------------------------------------------------------------- handles and lifetime

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("read-only handle: write EBADF, writable map EACCES, resize EINVAL")
    void readOnlyHandle_refusesChanges(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "ro", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
                Memfd ro = fd.reopen(Access.READ_ONLY)) {
            assertErrno(Errno.EBADF, () -> ro.write(0, bytes(4, 1)));
            assertErrno(Errno.EACCES, () -> ro.map(Access.READ_WRITE));
            assertErrno(Errno.EINVAL, () -> ro.resize(MFD_DEF_SIZE * 2));
            assertThat(ro.fd().isPresent()).isEqualTo(f.isNative());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("closed handle: every call is EBADF, close is idempotent")
    void closedHandle_EBADF(String impl, MemfdFactory f) {
        Memfd fd = newMemfd(f, "closed", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        fd.close();
        fd.close();
        assertErrno(Errno.EBADF, fd::size);
        assertErrno(Errno.EBADF, fd::seals);
        assertErrno(Errno.EBADF, () -> fd.map(Access.READ_ONLY));
        assertErrno(Errno.EBADF, fd::dup);
        assertErrno(Errno.EBADF, () -> fd.write(0, bytes(1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("lifetime: a mapping stays valid after every handle is closed, until it is unmapped")
    void mappingOutlivesHandles(String impl, MemfdFactory f) {
        Memfd fd = newMemfd(f, "lifetime", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        fd.write(100, bytes(1, 42));
        MemfdMapping m = fd.map(Access.READ_ONLY);
        Memfd dup = fd.dup();
        fd.close();
        dup.close();
        assertThat(m.segment().get(ValueLayout.JAVA_BYTE, 100)).isEqualTo((byte) 42);
        m.close();
        assertThatThrownBy(() -> m.segment().get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("coherence: two mappings and pread/pwrite see the same bytes")
    void mappingsAreShared(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "coherent", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
                MemfdMapping a = fd.map(Access.READ_WRITE); MemfdMapping b = fd.dup().map(Access.READ_ONLY)) {
            a.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 0x1122334455667788L);
            assertThat(b.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 8)).isEqualTo(0x1122334455667788L);
            fd.write(16, bytes(1, 7));
            assertThat(a.segment().get(ValueLayout.JAVA_BYTE, 16)).isEqualTo((byte) 7);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("resize: truncated bytes read as zero after growing again; an empty memory cannot be mapped")
    void truncateThenGrowReadsZero(String impl, MemfdFactory f) {
        try (Memfd fd = newMemfd(f, "trunc", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            fd.write(5000, bytes(10, 9));
            fd.resize(4096);
            fd.resize(MFD_DEF_SIZE);
            MemorySegment back = bytes(10, 1);
            assertThat(fd.read(5000, back)).isEqualTo(10);
            assertThat(back.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
            fd.resize(0);
            assertErrno(Errno.EINVAL, () -> fd.map(Access.READ_ONLY));
            assertErrno(Errno.EINVAL, () -> fd.resize(-1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    @DisplayName("confined mapping: only its thread may use it, and while it exists SEAL_WRITE is EBUSY")
    void confinedMapping_isThreadConfinedAndCountsAsWritable(String impl, MemfdFactory f) throws Exception {
        try (Memfd fd = newMemfd(f, "confined", MFD_DEF_SIZE, MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
            MemfdMapping m = fd.mapConfined(Access.READ_WRITE);
            m.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 5);
            Throwable[] other = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    m.segment().get(ValueLayout.JAVA_BYTE, 0);
                } catch (Throwable e) {
                    other[0] = e;
                }
            });
            t.start();
            t.join();
            assertThat(other[0]).isInstanceOf(WrongThreadException.class);
            assertErrno(Errno.EBUSY, () -> fd.addSeals(seals(Seal.WRITE)));
            m.close();
            fd.addSeals(seals(Seal.WRITE));
            MemorySegment back = bytes(1, 0);
            fd.read(0, back);
            assertThat(back.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 5);
        }
    }
}
