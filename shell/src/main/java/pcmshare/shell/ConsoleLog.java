package pcmshare.shell;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Echoes pcmshare's warnings and errors from the OSGi log to the console as they
 * happen, so that a user at the shell sees, for instance, a loopback cable falling
 * back to its own clock without asking for the log. Everything, at every level,
 * stays in the log service ({@code log} in the shell).
 */
@Component(immediate = true)
public final class ConsoleLog implements LogListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    // the stream of the JVM, not the one Gogo substitutes for a command's thread
    private final PrintStream console = System.err;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLogReader(LogReaderService reader) {
        reader.addLogListener(this);
    }

    void removeLogReader(LogReaderService reader) {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (LogLevel.WARN.implies(entry.getLogLevel()) && entry.getBundle() != null
                && InfoCommand.VENDOR.equals(entry.getBundle().getHeaders("").get("Bundle-Vendor"))
                && !echoOfFailedComponent(entry)) {
            console.println(line(entry));
        }
    }

    /**
     * The framework's event for a bundle that asked for the service of a component whose
     * activation failed: it names the asking bundle, not the one at fault, and SCR has
     * already logged why under the component's own bundle.
     */
    static boolean echoOfFailedComponent(LogEntry entry) {
        Throwable e = entry.getException();
        String text = e == null ? "" : String.valueOf(e.getMessage());
        return entry.getMessage() != null && entry.getMessage().startsWith("FrameworkEvent")
                && text.contains("Service factory returned null") && text.contains("(Component: ");
    }

    static String line(LogEntry entry) {
        StringBuilder b = new StringBuilder();
        b.append(TIME.format(Instant.ofEpochMilli(entry.getTime()))).append(' ')
                .append(entry.getLogLevel()).append(' ')
                .append(entry.getBundle().getSymbolicName()).append(": ")
                .append(entry.getMessage());
        if (entry.getException() != null) {
            b.append(" (").append(entry.getException()).append(')');
        }
        return b.toString();
    }
}
