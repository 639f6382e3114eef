package pcmshare.shell;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.SampleFormat;

/** Parsing of option values, with errors that name the command, the option, the input and what is allowed. */
final class Options {
    /** The value Gogo passes for an option that was not given. */
    static final String ABSENT = "";

    private Options() {
    }

    static boolean given(String value) {
        return value != null && !value.isEmpty();
    }

    /** A positive number of seconds; NaN, infinities, zero and negatives are refused. */
    static double seconds(String command, String value) {
        double s;
        try {
            s = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --seconds '" + value
                    + "' is not a number; give a positive number of seconds, e.g. --seconds 0.5");
        }
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(command + ": --seconds " + value
                    + " is not allowed; give a positive number of seconds, e.g. --seconds 0.5");
        }
        return s;
    }

    /** A whole number in [min, max]. */
    static int integer(String command, String option, String value, int min, int max) {
        long v;
        try {
            v = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + option + " '" + value + "' is not a whole number; "
                    + "allowed: " + min + " to " + max);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(command + ": " + option + " " + value + " is out of range; allowed: "
                    + min + " to " + max);
        }
        return (int) v;
    }

    static SampleFormat format(String command, String value) {
        try {
            return SampleFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(command + ": --format '" + value + "' is not a sample format; allowed: "
                    + Arrays.stream(SampleFormat.values()).map(SampleFormat::name).sorted().toList());
        }
    }

    /** The direction chosen by the flags, PLAYBACK by default; both flags at once are refused. */
    static Direction direction(String command, boolean playback, boolean capture) {
        if (playback && capture) {
            throw new IllegalArgumentException(command + ": --playback and --capture exclude each other");
        }
        return capture ? Direction.CAPTURE : Direction.PLAYBACK;
    }

    /** A file path, relative ones against the session's current directory. */
    static Path path(CommandSession session, String value) {
        Path p = Path.of(value.strip());
        if (!p.isAbsolute() && session != null && session.currentDir() != null) {
            p = session.currentDir().resolve(p);
        }
        return p.toAbsolutePath().normalize();
    }

    /** A refusal of the core, said again with the command and the substream it was about. */
    static ErrnoException refused(String command, Object subject, ErrnoException e) {
        return new ErrnoException(e.errno(), command, e.state(), null, subject + ": " + e.getMessage(), e);
    }
}
