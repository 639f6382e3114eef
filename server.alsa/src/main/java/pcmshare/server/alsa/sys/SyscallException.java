package pcmshare.server.alsa.sys;

import java.io.Serial;
import java.lang.foreign.MemorySegment;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * A system call that failed, with the kernel's errno number and name.
 *
 * <p>{@link #errno()} is the matching {@link Errno} constant when core.api knows the
 * number; for numbers it does not name (EADDRINUSE, ECONNREFUSED, ENAMETOOLONG,
 * ECONNRESET, EIDRM, ...) it is {@link Errno#EIO} and the message starts its detail with
 * the kernel's name, e.g. {@code "EIO: bind refused: EADDRINUSE (errno 98, Address
 * already in use): a server is listening on /run/x.sock"}. {@link #code()} and
 * {@link #name()} always give the kernel's own number and name: test those.
 */
public final class SyscallException extends ErrnoException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String name;

    SyscallException(int code, String operation, Object value, String detail) {
        this(code, Libc.errnoName(code), operation, value, detail);
    }

    private SyscallException(int code, String name, String operation, Object value, String detail) {
        super(known(code), operation, null, value, describe(code, name, detail));
        this.code = code;
        this.name = name;
    }

    /** The errno the kernel's last call left in {@code capture}. */
    static SyscallException of(MemorySegment capture, String operation, Object value, String detail) {
        return new SyscallException(Libc.errno(capture), operation, value, detail);
    }

    private static Errno known(int code) {
        Errno e = Errno.ofCode(code);
        return e == null ? Errno.EIO : e;
    }

    private static String describe(int code, String name, String detail) {
        if (Errno.ofCode(code) != null) {
            return detail;
        }
        String desc = Libc.errnoDescription(code);
        String head = name + " (errno " + code + (desc == null ? "" : ", " + desc) + ")";
        return detail == null || detail.isEmpty() ? head : head + ": " + detail;
    }

    /** The kernel's errno number, e.g. 98. */
    public int code() {
        return code;
    }

    /** The kernel's errno name, e.g. {@code "EADDRINUSE"} (glibc's strerrorname_np). */
    public String name() {
        return name;
    }
}
