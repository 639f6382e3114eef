package pcmshare.bench.alsa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * aplay or arecord, started through {@code sh} so that its CPU can be read after it
 * ends: the shell waits for it and prints its own {@code /proc/PID/stat}, whose
 * cutime and cstime are then the program's utime and stime in clock ticks (the
 * program's own /proc entry is gone once it has been reaped). Its output (aplay -v's
 * setup dump, "underrun!!!" / "overrun!!!" on every xrun) is read as it comes.
 */
final class AlsaProgram {

    private static final String MARK = "@@pcmshare-bench-stat ";
    /** Runs the program, then prints the shell's stat line (read with a builtin: no child is left unwaited). */
    private static final String WRAPPER = "\"$@\"; rc=$?; read -r s < /proc/$$/stat; echo \"" + MARK
            + "$s\" >&2; exit $rc";
    private static final Pattern PERIOD = Pattern.compile("period_size\\s*:\\s*(\\d+)");
    private static final Pattern BUFFER = Pattern.compile("buffer_size\\s*:\\s*(\\d+)");

    /** What a program did: exit code, xruns, the period and buffer it got, its CPU in ticks. */
    record Outcome(List<String> command, int exit, int xruns, int periodFrames, int bufferFrames, long cpuTicks,
            double wallSeconds, String output) {
        String tail() {
            String[] lines = output.strip().split("\n");
            StringBuilder b = new StringBuilder();
            for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) {
                if (!lines[i].startsWith(MARK)) {
                    b.append(b.isEmpty() ? "" : " / ").append(lines[i].strip());
                }
            }
            return b.toString();
        }
    }

    private final List<String> command;
    private final Process process;
    private final long started = System.nanoTime();
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;

    private AlsaProgram(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.reader = Thread.ofPlatform().name("bench-output-" + command.get(0)).daemon()
                .start(() -> drain(process.getInputStream()));
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    static AlsaProgram start(List<String> command, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", WRAPPER, "sh"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            return new AlsaProgram(command, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (output) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // the program ended
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the end (killing the program after {@code seconds}) and says what it did. */
    Outcome await(long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                kill();
            }
            process.waitFor();
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        double wall = (System.nanoTime() - started) / 1e9;
        String out;
        synchronized (output) {
            out = output.toString();
        }
        long ticks = -1;
        int xruns = 0;
        for (String line : out.split("\n")) {
            if (line.startsWith(MARK)) {
                ticks = ProcStat.parse(line.substring(MARK.length())).childTicks();
            }
            if (line.contains("underrun!!!") || line.contains("overrun!!!")) {
                xruns++;
            }
        }
        return new Outcome(command, process.exitValue(), xruns, first(PERIOD, out), first(BUFFER, out), ticks, wall,
                out);
    }

    /** The program and its shell, by their process ids. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static int first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
