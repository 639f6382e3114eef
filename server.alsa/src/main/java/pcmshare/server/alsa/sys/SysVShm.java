package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * System V shared memory, as alsa-lib's shm plugin expects it: the server creates a
 * private segment, attaches it, and the client attaches it by its id (the "cookie").
 *
 * <p>Linux lets a process attach a segment that is already marked for destruction
 * (IPC_RMID) as long as it is still attached somewhere; the segment is destroyed when
 * the last attachment goes. So the server can mark a segment IPC_RMID right after its
 * own attach and no segment outlives the processes using it.
 *
 * <p>{@code struct shmid_ds} on x86_64 glibc (112 bytes): {@code shm_perm} (struct
 * ipc_perm, 48 bytes: int __key at 0, uid at 4, gid at 8, cuid at 12, cgid at 16,
 * mode at 20 (4 bytes), ...), size_t shm_segsz at 48, shm_atime/dtime/ctime at
 * 56/64/72, pid shm_cpid at 80, shm_lpid at 84, shm_nattch (unsigned long) at 88.
 */
@SuppressWarnings("restricted")
public final class SysVShm {
    /** Set in {@link Stat#mode()} once the segment is marked for destruction. */
    public static final int SHM_DEST = 01000;
    static final long SHMID_DS_SIZE = 112;
    static final long UID = 4, GID = 8, CUID = 12, CGID = 16, MODE = 20, SEGSZ = 48, CPID = 80, LPID = 84,
            NATTCH = 88;

    /** What IPC_STAT reports about a segment. */
    public record Stat(int uid, int gid, int cuid, int cgid, int mode, long size, long nattch, int cpid, int lpid) {
        /** The permission bits, e.g. 0600. */
        public int permissions() {
            return mode & 0777;
        }

        /** Whether IPC_RMID marked the segment: it goes when the last attachment does. */
        public boolean markedForDestruction() {
            return (mode & SHM_DEST) != 0;
        }
    }

    private SysVShm() {
    }

    /** shmget(IPC_PRIVATE, size, IPC_CREAT|IPC_EXCL|mode): a new segment's id. */
    public static int create(long size, int mode) {
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size);
        }
        MemorySegment cap = Libc.threadCapture();
        int id = Libc.shmget(cap, Libc.IPC_PRIVATE, size, Libc.IPC_CREAT | Libc.IPC_EXCL | (mode & 0777));
        if (id < 0) {
            throw SyscallException.of(cap, "shmget", size,
                    "mode 0" + Integer.toOctalString(mode & 0777) + "; see /proc/sys/kernel/shmmax, shmall, shmmni");
        }
        return id;
    }

    /**
     * shmat(shmid, NULL, 0), read-write: the segment's first {@code size} bytes. The
     * memory stays mapped until {@link #detach}: never use the returned segment after.
     */
    public static MemorySegment attach(int shmid, long size) {
        MemorySegment cap = Libc.threadCapture();
        MemorySegment p = Libc.shmat(cap, shmid, 0);
        if (p.address() == -1L) {
            throw SyscallException.of(cap, "shmat", shmid, null);
        }
        return p.reinterpret(size);
    }

    /** shmdt(2) of an address {@link #attach} returned. */
    public static void detach(MemorySegment attached) {
        MemorySegment cap = Libc.threadCapture();
        if (Libc.shmdt(cap, attached) < 0) {
            throw SyscallException.of(cap, "shmdt", "0x" + Long.toHexString(attached.address()), null);
        }
    }

    /** shmctl(IPC_RMID): marks the segment; the kernel destroys it once nothing is attached. */
    public static void remove(int shmid) {
        MemorySegment cap = Libc.threadCapture();
        if (Libc.shmctl(cap, shmid, Libc.IPC_RMID, MemorySegment.NULL) < 0) {
            throw SyscallException.of(cap, "shmctl(IPC_RMID)", shmid, null);
        }
    }

    /**
     * Gives the segment to {@code uid}/{@code gid} with permissions {@code mode} (low 9
     * bits): IPC_STAT, then IPC_SET of the same struct with those three fields changed.
     * Needs to be the owner, the creator or CAP_SYS_ADMIN.
     */
    public static void setOwner(int shmid, int uid, int gid, int mode) {
        MemorySegment cap = Libc.threadCapture();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = statInto(arena, cap, shmid);
            ds.set(JAVA_INT, UID, uid);
            ds.set(JAVA_INT, GID, gid);
            ds.set(JAVA_INT, MODE, mode & 0777);
            if (Libc.shmctl(cap, shmid, Libc.IPC_SET, ds) < 0) {
                throw SyscallException.of(cap, "shmctl(IPC_SET)", shmid,
                        "uid " + uid + " gid " + gid + " mode 0" + Integer.toOctalString(mode & 0777));
            }
        }
    }

    /** shmctl(IPC_STAT). EINVAL (or EIDRM) once the segment is gone. */
    public static Stat stat(int shmid) {
        MemorySegment cap = Libc.threadCapture();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = statInto(arena, cap, shmid);
            return new Stat(ds.get(JAVA_INT, UID), ds.get(JAVA_INT, GID), ds.get(JAVA_INT, CUID),
                    ds.get(JAVA_INT, CGID), ds.get(JAVA_INT, MODE), ds.get(JAVA_LONG, SEGSZ),
                    ds.get(JAVA_LONG, NATTCH), ds.get(JAVA_INT, CPID), ds.get(JAVA_INT, LPID));
        }
    }

    /** Whether {@code shmid} still names a segment (IPC_STAT succeeds). */
    public static boolean exists(int shmid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(SHMID_DS_SIZE, 8);
            return Libc.shmctl(Libc.threadCapture(), shmid, Libc.IPC_STAT, ds) == 0;
        }
    }

    private static MemorySegment statInto(Arena arena, MemorySegment cap, int shmid) {
        MemorySegment ds = arena.allocate(SHMID_DS_SIZE, 8);
        if (Libc.shmctl(cap, shmid, Libc.IPC_STAT, ds) < 0) {
            throw SyscallException.of(cap, "shmctl(IPC_STAT)", shmid, null);
        }
        return ds;
    }
}
