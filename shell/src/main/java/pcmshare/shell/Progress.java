package pcmshare.shell;

import java.io.PrintStream;

/**
 * The progress line of a transfer, rewritten in place ({@code \r}) about ten
 * times a second of audio, ended with a newline.
 */
final class Progress {
    private final PrintStream out;
    private final String what;
    private final int rate;
    private final long total;
    private long shown = -1;

    Progress(PrintStream out, String what, int rate, long total) {
        this.out = out;
        this.what = what;
        this.rate = rate;
        this.total = total;
    }

    void update(long frames, long xruns) {
        if (shown >= 0 && frames - shown < rate / 10 && frames < total) {
            return;
        }
        shown = frames;
        out.print(total >= Long.MAX_VALUE / 4
                ? String.format("\r%s: %.2f s (until stopped), %d frames, xruns %d", what, (double) frames / rate,
                        frames, xruns)
                : String.format("\r%s: %.2f s of %.2f s, %d frames, xruns %d", what, (double) frames / rate,
                        (double) total / rate, frames, xruns));
        out.flush();
    }

    void end() {
        if (shown >= 0) {
            out.println();
            out.flush();
        }
    }
}
