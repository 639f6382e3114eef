package pcmshare.server.alsa.sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * File descriptors and /proc: closing, duplicating, counting this process's open
 * descriptors (for leak tests) and reading another process's name and mappings (for
 * logs naming a client).
 */
public final class Fds {
    private Fds() {
    }

    /** close(2). EINTR is not retried: on Linux the descriptor is released anyway. */
    public static void close(int fd) {
        MemorySegment cap = Libc.threadCapture();
        if (Libc.close(cap, fd) < 0 && Libc.errno(cap) != Libc.EINTR) {
            throw SyscallException.of(cap, "close", fd, null);
        }
    }

    /** close(2) that never throws, for cleanup paths that already report a failure. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            Libc.close(Libc.threadCapture(), fd);
        }
    }

    /** A duplicate of {@code fd} with FD_CLOEXEC set: fcntl(fd, F_DUPFD_CLOEXEC, 0). */
    public static int dup(int fd) {
        MemorySegment cap = Libc.threadCapture();
        int r = Libc.fcntl(cap, fd, Libc.F_DUPFD_CLOEXEC, 0);
        if (r < 0) {
            throw SyscallException.of(cap, "fcntl(F_DUPFD_CLOEXEC)", fd, null);
        }
        return r;
    }

    /** Whether {@code fd} is an open descriptor of this process (fcntl F_GETFD does not fail with EBADF). */
    public static boolean isOpen(int fd) {
        return fd >= 0 && Libc.fcntl(Libc.threadCapture(), fd, Libc.F_GETFD, 0) >= 0;
    }

    /**
     * The seals on the memfd {@code fd} (fcntl F_GET_SEALS): F_SEAL_SEAL 1, SHRINK 2,
     * GROW 4, WRITE 8, FUTURE_WRITE 16; EINVAL for a file that is not a memfd.
     */
    public static int seals(int fd) {
        MemorySegment cap = Libc.threadCapture();
        int r = Libc.fcntl(cap, fd, Libc.F_GET_SEALS, 0);
        if (r < 0) {
            throw SyscallException.of(cap, "fcntl(F_GET_SEALS)", fd, null);
        }
        return r;
    }

    /** Whether FD_CLOEXEC is set on {@code fd}. */
    public static boolean isCloseOnExec(int fd) {
        MemorySegment cap = Libc.threadCapture();
        int r = Libc.fcntl(cap, fd, Libc.F_GETFD, 0);
        if (r < 0) {
            throw SyscallException.of(cap, "fcntl(F_GETFD)", fd, null);
        }
        return (r & 1) != 0;
    }

    /**
     * The number of descriptors open in this process: the entries of /proc/self/fd,
     * less the one the listing itself holds open. The JVM opens and closes descriptors
     * of its own (jar files, class loading), so compare counts taken at quiet moments.
     */
    public static int openFdCount() {
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : s) {
                n++;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return n - 1;
    }

    /** The command name of process {@code pid} (/proc/PID/comm, trimmed), or "?" when unreadable. */
    public static String procComm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The lines of /proc/PID/maps; empty when the process is gone or not readable. */
    public static List<String> procMaps(int pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Integer.toString(pid), "maps"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
