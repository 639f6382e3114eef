package pcmshare.core.api.errno;

import java.io.Serial;
import java.util.Objects;

/**
 * A refused call: the errno a kernel would have returned, the operation that was
 * refused, the state it was refused in and the value that was wrong.
 *
 * <p>The message reads like {@code "EBADFD: start refused in state OPEN: stream
 * is not prepared"} or {@code "EINVAL: hw_params refused in state OPEN: rate
 * 1000 outside [8000, 192000]"} so that a log line alone says what happened.
 */
public class ErrnoException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String operation;
    private final String state;
    private final transient Object value;

    /**
     * @param errno     the error, never null
     * @param operation what was attempted, e.g. {@code "hw_params"}
     * @param state     the state of the object it was attempted on, or null when
     *                  the object has no state worth naming
     * @param value     the offending value, or null
     * @param detail    a sentence for humans, or null
     */
    public ErrnoException(Errno errno, String operation, Object state, Object value, String detail) {
        this(errno, operation, state, value, detail, null);
    }

    public ErrnoException(Errno errno, String operation, Object state, Object value, String detail,
            Throwable cause) {
        super(format(errno, operation, state, value, detail), cause);
        this.errno = Objects.requireNonNull(errno, "errno");
        this.operation = Objects.requireNonNull(operation, "operation");
        this.state = state == null ? null : state.toString();
        this.value = value;
    }

    /** A refusal that has no state or value to name. */
    public ErrnoException(Errno errno, String operation, String detail) {
        this(errno, operation, null, null, detail);
    }

    public Errno errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }

    /** The state named in the refusal, or null. */
    public String state() {
        return state;
    }

    /** The offending value, or null. */
    public Object value() {
        return value;
    }

    private static String format(Errno errno, String operation, Object state, Object value, String detail) {
        StringBuilder b = new StringBuilder();
        b.append(errno).append(": ").append(operation).append(" refused");
        if (state != null) {
            b.append(" in state ").append(state);
        }
        if (detail != null && !detail.isEmpty()) {
            b.append(": ").append(detail);
        }
        if (value != null) {
            b.append(" (value: ").append(value).append(')');
        }
        return b.toString();
    }
}
