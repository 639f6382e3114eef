package pcmshare.core.api.errno;

/**
 * The Linux error numbers pcmshare reports, with their x86-64/generic values so
 * that a code from a native call (memfd, fcntl) maps to the same name.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "I/O error"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    EINVAL(22, "Invalid argument"),
    EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"),
    ETXTBSY(26, "Text file busy"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    EPIPE(32, "Broken pipe"),
    ERANGE(34, "Numerical result out of range"),
    ENOSYS(38, "Function not implemented"),
    EBADFD(77, "File descriptor in bad state"),
    ESTRPIPE(86, "Streams pipe error"),
    EOVERFLOW(75, "Value too large for defined data type"),
    ETIMEDOUT(110, "Connection timed out"),
    EALREADY(114, "Operation already in progress"),
    ECANCELED(125, "Operation canceled"),
    ENAMETOOLONG(36, "File name too long"),
    EIDRM(43, "Identifier removed"),
    EADDRINUSE(98, "Address already in use"),
    ECONNRESET(104, "Connection reset by peer"),
    ECONNREFUSED(111, "Connection refused");

    private final int code;
    private final String description;

    Errno(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The positive Linux error number. */
    public int code() {
        return code;
    }

    /** strerror(3)'s text for this error. */
    public String description() {
        return description;
    }

    /**
     * The name for a native error number, or {@code null} when pcmshare does not
     * know it (the caller then reports the number itself).
     */
    public static Errno ofCode(int code) {
        for (Errno e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
