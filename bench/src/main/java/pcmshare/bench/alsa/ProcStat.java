package pcmshare.bench.alsa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from {@code /proc/PID/stat}: utime and stime (fields 14
 * and 15), and cutime and cstime (16 and 17: the children it has waited for), in
 * clock ticks of {@code getconf CLK_TCK}.
 */
record ProcStat(long utime, long stime, long cutime, long cstime) {

    private static volatile long ticksPerSecond;

    /** This process's own CPU (utime + stime) in ticks. */
    long ticks() {
        return utime + stime;
    }

    /** The CPU of the children this process has waited for, in ticks. */
    long childTicks() {
        return cutime + cstime;
    }

    static ProcStat of(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e, e);
        }
    }

    static ProcStat self() {
        return of(ProcessHandle.current().pid());
    }

    /** A stat line: the command name is in parentheses and may hold spaces, so fields count from its last ')'. */
    static ProcStat parse(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
        }
        String[] f = line.substring(close + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3]
        return new ProcStat(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14]));
    }

    /** {@code getconf CLK_TCK}, 100 when getconf cannot say. */
    static long ticksPerSecond() {
        long t = ticksPerSecond;
        if (t > 0) {
            return t;
        }
        t = 100;
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                t = Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticksPerSecond = t;
        return t;
    }

    static double millis(long ticks) {
        return ticks * 1000.0 / ticksPerSecond();
    }
}
