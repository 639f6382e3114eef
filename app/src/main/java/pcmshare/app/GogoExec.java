package pcmshare.app;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Runs one Gogo command line through the CommandProcessor service, in a session of
 * its own, and says how it went as an exit status: for {@code pcmshare exec}, whether
 * the line runs in a container of its own or arrives through {@link ExecSocket}.
 *
 * <p>Gogo is reached reflectively, so that its packages stay owned by its bundles.
 */
final class GogoExec {
    private GogoExec() {
    }

    /**
     * @return {@link Launcher#EXIT_OK}, {@link Launcher#EXIT_COMMAND_FAILED} when the command
     *         failed (its message went to {@code err}), {@link Launcher#EXIT_START_FAILED} when
     *         Gogo is not there to run it
     */
    static int run(BundleContext context, String commandLine, PrintStream out, PrintStream err) {
        ServiceReference<?> ref = context.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        if (ref == null) {
            err.println("pcmshare exec: the Gogo runtime is not running");
            return Launcher.EXIT_START_FAILED;
        }
        Object processor = context.getService(ref);
        try {
            Class<?> processorType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionType = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class).invoke(processor, InputStream.nullInputStream(), out, err);
            try {
                Object result;
                try {
                    result = sessionType.getMethod("execute", CharSequence.class).invoke(session, commandLine);
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
                    Object text = sessionType.getMethod("format", Object.class, int.class).invoke(session, result, 0);
                    out.println(text);
                }
                out.flush();
                return Launcher.EXIT_OK;
            } finally {
                sessionType.getMethod("close").invoke(session);
            }
        } catch (ReflectiveOperationException e) {
            err.println("pcmshare exec: cannot drive the Gogo runtime: " + e);
            return Launcher.EXIT_START_FAILED;
        } finally {
            context.ungetService(ref);
        }
    }

    private static String firstWord(String line) {
        String t = line.strip();
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }
}
