package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Every C library call of the ALSA server, bound once through the Foreign Function
 * &amp; Memory API: this is the only class of the bundle that calls native code.
 *
 * <p>Each call captures errno in the same downcall ({@code captureCallState("errno")})
 * into a segment the caller passes, so no JVM activity between the call and the read
 * can overwrite it. The wrappers return the raw C result; the classes of this package
 * turn failures into {@link SyscallException}s. Constants and struct offsets are those
 * of Linux x86_64 with glibc; the class refuses any other platform (see
 * {@link #available()}).
 */
@SuppressWarnings("restricted")
public final class Libc {
    // socket(2), socket(7), unix(7)
    static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_PEERCRED = 17, SCM_RIGHTS = 1;
    static final int MSG_DONTWAIT = 0x40, MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SHUT_RDWR = 2;
    /** offsetof(struct sockaddr_un, sun_path) and sizeof(sun_path). */
    static final int SUN_PATH_OFFSET = 2, SUN_PATH_SIZE = 108;
    // fcntl(2), eventfd(2)
    static final int F_GETFD = 1, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GET_SEALS = 1034;
    // pipe2(2)
    static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    // shmget(2), shmctl(2)
    static final int IPC_PRIVATE = 0, IPC_CREAT = 01000, IPC_EXCL = 02000;
    static final int IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2;
    // errno values used in decisions (x86_64 and generic Linux agree)
    static final int EINTR = 4, EAGAIN = 11, EPIPE = 32, ENOTCONN = 107, ECONNRESET = 104, ECONNABORTED = 103;
    static final int ECONNREFUSED = 111, EADDRINUSE = 98, ENAMETOOLONG = 36, EEXIST = 17, EBADF = 9,
            ETIMEDOUT = 110, EINVAL = 22, EIO = 5;

    private static final Throwable UNAVAILABLE;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;
    private static final ThreadLocal<MemorySegment> THREAD_CAPTURE;
    private static final MethodHandle SOCKET, BIND, LISTEN, CONNECT, ACCEPT4, GETSOCKOPT, SEND, RECV, SENDMSG,
            RECVMSG, SHUTDOWN, POLL, CLOSE, FCNTL, EVENTFD, READ, WRITE, SHMGET, SHMAT, SHMDT, SHMCTL, CHMOD,
            ERRNO_NAME, ERRNO_DESC, PIPE2, SOCKETPAIR;

    static {
        Throwable cause = null;
        StructLayout layout = null;
        VarHandle errno = null;
        MethodHandle[] h = new MethodHandle[26];
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            cause = new UnsupportedOperationException(
                    "the ALSA server's system calls use Linux x86_64 struct layouts; this is " + os + "/" + arch);
        } else {
            try {
                Linker l = Linker.nativeLinker();
                layout = Linker.Option.captureStateLayout();
                errno = layout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                FunctionDescriptor intInt = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
                h[0] = bind(l, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
                h[1] = bind(l, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
                h[2] = bind(l, "listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                h[3] = bind(l, "connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
                h[4] = bind(l, "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
                h[5] = bind(l, "getsockopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
                h[6] = bind(l, "send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
                h[7] = bind(l, "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
                h[8] = bind(l, "sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
                h[9] = bind(l, "recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
                h[10] = bind(l, "shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                h[11] = bind(l, "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
                h[12] = bind(l, "close", intInt);
                // fcntl is variadic: its third argument is the first variadic one.
                h[13] = bind(l, "fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                        Linker.Option.firstVariadicArg(2));
                h[14] = bind(l, "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                h[15] = bind(l, "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
                h[16] = bind(l, "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
                h[17] = bind(l, "shmget", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
                h[18] = bind(l, "shmat", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
                h[19] = bind(l, "shmdt", FunctionDescriptor.of(JAVA_INT, ADDRESS));
                h[20] = bind(l, "shmctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
                h[21] = bind(l, "chmod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                h[24] = bind(l, "pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                h[25] = bind(l, "socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
                // glibc 2.32+; optional: without them errors are named by number only.
                h[22] = l.defaultLookup().find("strerrorname_np")
                        .map(s -> l.downcallHandle(s, FunctionDescriptor.of(ADDRESS, JAVA_INT))).orElse(null);
                h[23] = l.defaultLookup().find("strerrordesc_np")
                        .map(s -> l.downcallHandle(s, FunctionDescriptor.of(ADDRESS, JAVA_INT))).orElse(null);
            } catch (Throwable t) {
                cause = t; // e.g. native access denied to this module
            }
        }
        UNAVAILABLE = cause;
        CAPTURE_LAYOUT = layout;
        ERRNO = errno;
        SOCKET = h[0]; BIND = h[1]; LISTEN = h[2]; CONNECT = h[3]; ACCEPT4 = h[4]; GETSOCKOPT = h[5]; SEND = h[6];
        RECV = h[7]; SENDMSG = h[8]; RECVMSG = h[9]; SHUTDOWN = h[10]; POLL = h[11]; CLOSE = h[12]; FCNTL = h[13];
        EVENTFD = h[14]; READ = h[15]; WRITE = h[16]; SHMGET = h[17]; SHMAT = h[18]; SHMDT = h[19]; SHMCTL = h[20];
        CHMOD = h[21]; ERRNO_NAME = h[22]; ERRNO_DESC = h[23]; PIPE2 = h[24]; SOCKETPAIR = h[25];
        StructLayout captured = layout;
        THREAD_CAPTURE = cause == null ? ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(captured)) : null;
    }

    private Libc() {
    }

    private static MethodHandle bind(Linker linker, String name, FunctionDescriptor d, Linker.Option... extra) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name + " in the C library"));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return linker.downcallHandle(symbol, d, options);
    }

    /** Whether these system calls can be made in this JVM (Linux x86_64 with native access). */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why they cannot, or null. */
    public static Throwable unavailableCause() {
        return UNAVAILABLE;
    }

    /** A new errno capture segment in {@code arena}, for callers that keep their own. */
    static MemorySegment newCapture(Arena arena) {
        check();
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** This thread's errno capture segment: allocation-free after the first call on a thread. */
    static MemorySegment threadCapture() {
        check();
        return THREAD_CAPTURE.get();
    }

    /** The errno the last call that used {@code capture} saw. */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** strerrorname_np(3): "EADDRINUSE" for 98; "errno 98" when glibc cannot say. */
    static String errnoName(int code) {
        return cString(ERRNO_NAME, code, "errno " + code);
    }

    /** strerrordesc_np(3): "Address already in use" for 98, or null. */
    static String errnoDescription(int code) {
        return cString(ERRNO_DESC, code, null);
    }

    private static String cString(MethodHandle handle, int code, String fallback) {
        if (handle == null) {
            return fallback;
        }
        try {
            MemorySegment p = (MemorySegment) handle.invokeExact(code);
            return p.address() == 0 ? fallback : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    private static void check() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException("native system calls unavailable: " + UNAVAILABLE, UNAVAILABLE);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed", t);
    }

    // ---- raw calls: the C result, errno in cap ----

    static int socket(MemorySegment cap, int domain, int type, int protocol) {
        try { return (int) SOCKET.invokeExact(cap, domain, type, protocol); } catch (Throwable t) { throw rethrow(t); }
    }

    static int bind(MemorySegment cap, int fd, MemorySegment addr, int len) {
        try { return (int) BIND.invokeExact(cap, fd, addr, len); } catch (Throwable t) { throw rethrow(t); }
    }

    static int listen(MemorySegment cap, int fd, int backlog) {
        try { return (int) LISTEN.invokeExact(cap, fd, backlog); } catch (Throwable t) { throw rethrow(t); }
    }

    static int connect(MemorySegment cap, int fd, MemorySegment addr, int len) {
        try { return (int) CONNECT.invokeExact(cap, fd, addr, len); } catch (Throwable t) { throw rethrow(t); }
    }

    static int accept4(MemorySegment cap, int fd, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(cap, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
        } catch (Throwable t) { throw rethrow(t); }
    }

    static int getsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment val, MemorySegment len) {
        try { return (int) GETSOCKOPT.invokeExact(cap, fd, level, name, val, len); } catch (Throwable t) { throw rethrow(t); }
    }

    static long send(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) SEND.invokeExact(cap, fd, buf, len, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static long recv(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) RECV.invokeExact(cap, fd, buf, len, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static long sendmsg(MemorySegment cap, int fd, MemorySegment msg, int flags) {
        try { return (long) SENDMSG.invokeExact(cap, fd, msg, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static long recvmsg(MemorySegment cap, int fd, MemorySegment msg, int flags) {
        try { return (long) RECVMSG.invokeExact(cap, fd, msg, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int shutdown(MemorySegment cap, int fd, int how) {
        try { return (int) SHUTDOWN.invokeExact(cap, fd, how); } catch (Throwable t) { throw rethrow(t); }
    }

    static int poll(MemorySegment cap, MemorySegment fds, long nfds, int timeoutMillis) {
        try { return (int) POLL.invokeExact(cap, fds, nfds, timeoutMillis); } catch (Throwable t) { throw rethrow(t); }
    }

    static int close(MemorySegment cap, int fd) {
        try { return (int) CLOSE.invokeExact(cap, fd); } catch (Throwable t) { throw rethrow(t); }
    }

    static int fcntl(MemorySegment cap, int fd, int cmd, int arg) {
        try { return (int) FCNTL.invokeExact(cap, fd, cmd, arg); } catch (Throwable t) { throw rethrow(t); }
    }

    static int pipe2(MemorySegment cap, MemorySegment fds, int flags) {
        try { return (int) PIPE2.invokeExact(cap, fds, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int socketpair(MemorySegment cap, int domain, int type, int protocol, MemorySegment fds) {
        try {
            return (int) SOCKETPAIR.invokeExact(cap, domain, type, protocol, fds);
        } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventfd(MemorySegment cap, int initval, int flags) {
        try { return (int) EVENTFD.invokeExact(cap, initval, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static long read(MemorySegment cap, int fd, MemorySegment buf, long len) {
        try { return (long) READ.invokeExact(cap, fd, buf, len); } catch (Throwable t) { throw rethrow(t); }
    }

    static long write(MemorySegment cap, int fd, MemorySegment buf, long len) {
        try { return (long) WRITE.invokeExact(cap, fd, buf, len); } catch (Throwable t) { throw rethrow(t); }
    }

    static int shmget(MemorySegment cap, int key, long size, int flags) {
        try { return (int) SHMGET.invokeExact(cap, key, size, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static MemorySegment shmat(MemorySegment cap, int shmid, int flags) {
        try {
            return (MemorySegment) SHMAT.invokeExact(cap, shmid, MemorySegment.NULL, flags);
        } catch (Throwable t) { throw rethrow(t); }
    }

    static int shmdt(MemorySegment cap, MemorySegment addr) {
        try { return (int) SHMDT.invokeExact(cap, addr); } catch (Throwable t) { throw rethrow(t); }
    }

    static int shmctl(MemorySegment cap, int shmid, int cmd, MemorySegment buf) {
        try { return (int) SHMCTL.invokeExact(cap, shmid, cmd, buf); } catch (Throwable t) { throw rethrow(t); }
    }

    static int chmod(MemorySegment cap, MemorySegment path, int mode) {
        try { return (int) CHMOD.invokeExact(cap, path, mode); } catch (Throwable t) { throw rethrow(t); }
    }
}
