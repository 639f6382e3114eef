package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Raw reads and writes of 8-byte counters on descriptors, for tests. */
final class MemorySegments {
    private MemorySegments() {
    }

    static void writeLong(int fd, long v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(JAVA_LONG);
            b.set(JAVA_LONG, 0, v);
            MemorySegment cap = Libc.threadCapture();
            if (Libc.write(cap, fd, b, 8) != 8) {
                throw SyscallException.of(cap, "write", fd, null);
            }
        }
    }

    /** read(2) of 8 bytes; -1 when the read failed with EAGAIN. */
    static long readLong(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(JAVA_LONG);
            MemorySegment cap = Libc.threadCapture();
            long n = Libc.read(cap, fd, b, 8);
            if (n == 8) {
                return b.get(JAVA_LONG, 0);
            }
            if (n < 0 && Libc.errno(cap) == Libc.EAGAIN) {
                return -1;
            }
            throw SyscallException.of(cap, "read", fd, null);
        }
    }
}
