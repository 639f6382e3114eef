package pcmshare.app;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * One Gogo command line run through the CommandProcessor service, in a session of
 * its own, with the outcome as an exit status: for {@code pcmshare exec}, whether
 * the line runs in a container of its own or arrives through {@link ExecSocket}.
 *
 * <p>Gogo is reached reflectively, so that its packages stay owned by its bundles.
 */
final class GogoExec implements ExecSocket.Command {
    /**
     * The session variable that tells pcmshare's commands whether their output reaches a
     * terminal, where the JVM's console cannot say (a line arriving through {@link ExecSocket}).
     */
    static final String TERMINAL = "pcmshare.terminal";

    private final BundleContext context;
    private final String commandLine;
    private final Boolean terminal;
    private final PrintStream out;
    private final PrintStream err;
    private volatile Object session;

    /**
     * @param terminal whether {@code out} reaches a terminal; null: as the JVM's console does
     */
    GogoExec(BundleContext context, String commandLine, Boolean terminal, PrintStream out, PrintStream err) {
        this.context = context;
        this.commandLine = commandLine;
        this.terminal = terminal;
        this.out = out;
        this.err = err;
    }

    /**
     * @return {@link Launcher#EXIT_OK}, {@link Launcher#EXIT_COMMAND_FAILED} when the command
     *         failed (its message went to {@code err}), {@link Launcher#EXIT_START_FAILED} when
     *         Gogo is not there to run it
     */
    @Override
    public int run() {
        ServiceReference<?> ref = context.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        if (ref == null) {
            err.println("pcmshare exec: the Gogo runtime is not running");
            return Launcher.EXIT_START_FAILED;
        }
        Object processor = context.getService(ref);
        try {
            Class<?> processorType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            Object s = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class).invoke(processor, InputStream.nullInputStream(), out, err);
            try {
                if (terminal != null) {
                    sessionType.getMethod("put", String.class, Object.class).invoke(s, TERMINAL, terminal);
                }
                session = s;
                Object result;
                try {
                    result = sessionType.getMethod("execute", CharSequence.class).invoke(s, commandLine);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                    String command = firstWord(commandLine);
                    // a message that already starts with the command is not prefixed twice
                    boolean named = message.startsWith(command + ":") || message.startsWith(command + " ");
                    err.println(named ? message : command + ": " + message);
                    return Launcher.EXIT_COMMAND_FAILED;
                }
                if (result != null) {
                    // 0 is Converter.INSPECT: the same rendering the interactive shell uses
                    Object text = sessionType.getMethod("format", Object.class, int.class).invoke(s, result, 0);
                    out.println(text);
                }
                out.flush();
                return Launcher.EXIT_OK;
            } finally {
                session = null;
                sessionType.getMethod("close").invoke(s);
            }
        } catch (ReflectiveOperationException e) {
            err.println("pcmshare exec: cannot drive the Gogo runtime: " + e);
            return Launcher.EXIT_START_FAILED;
        } finally {
            context.ungetService(ref);
        }
    }

    /** Stops the command running, as Ctrl-C at the prompt stops the foreground one. */
    @Override
    public void interrupt() {
        Object s = session;
        if (s == null) {
            return;
        }
        try {
            Object job = ConsoleControl.invoke(s, "foregroundJob");
            if (job != null) {
                Object command = ConsoleControl.innermost(job);
                if (!ConsoleControl.interruptCommands(command)) {
                    ConsoleControl.invoke(command, "interrupt");
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the line ended meanwhile: nothing is left to stop
        }
    }

    private static String firstWord(String line) {
        String t = line.strip();
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }
}
