package pcmshare.server.alsa.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's ids as the kernel reports them, for comparisons in tests. */
final class Proc {
    private Proc() {
    }

    static int pid() {
        return (int) ProcessHandle.current().pid();
    }

    static int uid() {
        return statusField("Uid:");
    }

    static int gid() {
        return statusField("Gid:");
    }

    /** The first (real) id of a /proc/self/status line such as "Uid:\t0\t0\t0\t0". */
    private static int statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Integer.parseInt(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no " + name + " in /proc/self/status");
    }

    /** eventfd's counter as the kernel shows it in /proc/self/fdinfo (hex "eventfd-count:"). */
    static long eventfdCount(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("eventfd-count:")) {
                    return Long.parseUnsignedLong(line.substring("eventfd-count:".length()).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("fd " + fd + " is not an eventfd");
    }
}
