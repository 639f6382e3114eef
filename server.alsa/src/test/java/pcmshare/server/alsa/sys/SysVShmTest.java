package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;

class SysVShmTest {
    private static final long SIZE = 8192;

    @Test
    void twoAttachmentsOfASegmentShareItsBytes() {
        int id = SysVShm.create(SIZE, 0600);
        try {
            MemorySegment a = SysVShm.attach(id, SIZE);
            MemorySegment b = SysVShm.attach(id, SIZE);
            assertThat(a.address()).isNotEqualTo(b.address());
            assertThat(a.byteSize()).isEqualTo(SIZE);
            a.set(JAVA_INT, SIZE - 4, 0x12345678);
            assertThat(b.get(JAVA_INT, SIZE - 4)).isEqualTo(0x12345678);
            SysVShm.Stat s = SysVShm.stat(id);
            assertThat(s.nattch()).isEqualTo(2);
            assertThat(s.size()).isEqualTo(SIZE);
            assertThat(s.permissions()).isEqualTo(0600);
            assertThat(s.cuid()).isEqualTo(Proc.uid());
            assertThat(s.uid()).isEqualTo(Proc.uid());
            assertThat(s.cgid()).isEqualTo(Proc.gid());
            assertThat(s.cpid()).isEqualTo(Proc.pid());
            assertThat(s.lpid()).isEqualTo(Proc.pid());
            assertThat(s.markedForDestruction()).isFalse();
            SysVShm.detach(a);
            SysVShm.detach(b);
            assertThat(SysVShm.stat(id).nattch()).isZero();
        } finally {
            SysVShm.remove(id);
        }
    }

    @Test
    void setOwnerIsReadBackByIpcStat() {
        int id = SysVShm.create(SIZE, 0600);
        try {
            SysVShm.setOwner(id, 12345, 23456, 0640);
            SysVShm.Stat s = SysVShm.stat(id);
            assertThat(s.uid()).isEqualTo(12345);
            assertThat(s.gid()).isEqualTo(23456);
            assertThat(s.permissions()).isEqualTo(0640);
            assertThat(s.cuid()).as("the creator is unchanged").isEqualTo(Proc.uid());
            assertThat(s.cgid()).isEqualTo(Proc.gid());
            assertThat(s.size()).isEqualTo(SIZE);
        } finally {
            SysVShm.remove(id);
        }
    }

    @Test
    void aSegmentMarkedForDestructionCanStillBeAttachedWhileAttached() {
        int id = SysVShm.create(SIZE, 0600);
        MemorySegment server = SysVShm.attach(id, SIZE);
        server.set(JAVA_INT, 0, 42);
        SysVShm.remove(id); // what the server does right after its own attach
        SysVShm.Stat marked = SysVShm.stat(id);
        assertThat(marked.markedForDestruction()).isTrue();
        assertThat(marked.mode() & SysVShm.SHM_DEST).isEqualTo(SysVShm.SHM_DEST);
        assertThat(marked.nattch()).isEqualTo(1);
        assertThat(Fds.procMaps(Proc.pid())).as("the mapping shows the removal")
                .anyMatch(l -> l.contains("/SYSV") && l.endsWith("(deleted)"));

        SysVShm.setOwner(id, 4321, 4322, 0600); // giving it to the client still works once marked
        assertThat(SysVShm.stat(id)).satisfies(st -> {
            assertThat(st.uid()).isEqualTo(4321);
            assertThat(st.gid()).isEqualTo(4322);
            assertThat(st.markedForDestruction()).isTrue();
        });

        MemorySegment client = SysVShm.attach(id, SIZE); // what the client then does (root may, as owner or not)
        assertThat(client.get(JAVA_INT, 0)).isEqualTo(42);
        assertThat(SysVShm.stat(id).nattch()).isEqualTo(2);

        SysVShm.detach(server);
        assertThat(SysVShm.exists(id)).isTrue();
        SysVShm.detach(client);
        assertThat(SysVShm.exists(id)).as("gone with the last attachment").isFalse();
        assertThatThrownBy(() -> SysVShm.stat(id)).isInstanceOfSatisfying(SyscallException.class,
                x -> assertThat(x.name()).isIn("EINVAL", "EIDRM"));
        assertThatThrownBy(() -> SysVShm.attach(id, SIZE)).isInstanceOfSatisfying(SyscallException.class,
                x -> assertThat(x.name()).isIn("EINVAL", "EIDRM"));
    }

    @Test
    void removingAnUnattachedSegmentDestroysItAtOnce() {
        int id = SysVShm.create(SIZE, 0600);
        SysVShm.remove(id);
        assertThat(SysVShm.exists(id)).isFalse();
        assertThatThrownBy(() -> SysVShm.attach(id, SIZE)).isInstanceOfSatisfying(SyscallException.class, x -> {
            assertThat(x.name()).isIn("EINVAL", "EIDRM");
            assertThat(x.operation()).isEqualTo("shmat");
        });
    }

    @Test
    void attachingANonexistentIdIsAnErrorNotAddressMinusOne() {
        assertThatThrownBy(() -> SysVShm.attach(Integer.MAX_VALUE, SIZE))
                .isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void sizesAreRoundedToPagesButReportedAsAsked() {
        int id = SysVShm.create(100, 0600);
        try {
            assertThat(SysVShm.stat(id).size()).isEqualTo(100);
            MemorySegment m = SysVShm.attach(id, 100);
            m.set(JAVA_INT, 96, 7);
            SysVShm.detach(m);
        } finally {
            SysVShm.remove(id);
        }
    }
}
