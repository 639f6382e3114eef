package pcmshare.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.junit.jupiter.api.Test;

class UsageTest {
    /** A command as the shell's are declared: options, a flag, one argument, and the catch-all. */
    public static final class Cmd {
        @Descriptor("does it")
        public String go(CommandSession session,
                @Descriptor("how long") @Parameter(names = "--seconds", absentValue = "") String seconds,
                @Descriptor("loud") @Parameter(names = "--loud", absentValue = "false", presentValue = "true")
                boolean loud,
                @Descriptor("the substream: hw:CARD") String substream) {
            return "";
        }

        @Descriptor("(any other command line)")
        public String go(Object... args) {
            throw Usage.refuse("x:go", getClass(), "go", args);
        }
    }

    private static String refusal(Object... args) {
        return Usage.refuse("x:go", Cmd.class, "go", args).getMessage();
    }

    @Test
    void unknownOption_namesItAndWhatTheCommandTakes() {
        assertThat(refusal("--bogus", "1", "hw:0")).isEqualTo(
                "x:go: unknown option --bogus; it takes options --seconds, --loud; argument: the substream (help x:go)");
    }

    @Test
    void optionWithoutValue_missingArgument_tooMany() {
        assertThat(refusal("hw:0", "--seconds")).startsWith("x:go: option --seconds needs a value;");
        assertThat(refusal("--loud")).startsWith("x:go: missing the substream;");
        assertThat(refusal("hw:0", "hw:1")).startsWith("x:go: too many arguments (2; it takes 1);");
    }
}
