package pcmshare.core.api.impl.memory;

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

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * The Linux system calls behind memfd, bound once through the Foreign Function &amp;
 * Memory API. This is the only class of pcmshare that calls native code. Every call
 * captures errno in the same downcall, so that no JVM activity between the call and
 * the read can overwrite it, and failures become {@link ErrnoException}s with the
 * kernel's errno name.
 */
public final class LinuxSyscalls {
    // x86-64 and the generic (arm64, riscv64) ABIs agree on every value below.
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_ADD_SEALS = 1033;
    static final int F_GET_SEALS = 1034;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int SEEK_END = 2;

    private static final boolean AVAILABLE;
    private static final Throwable UNAVAILABLE_CAUSE;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;
    private static final ThreadLocal<MemorySegment> CAPTURE;
    private static final MethodHandle MEMFD_CREATE;
    private static final MethodHandle FTRUNCATE;
    private static final MethodHandle FCNTL;
    private static final MethodHandle CLOSE;
    private static final MethodHandle OPEN;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle PREAD;
    private static final MethodHandle PWRITE;
    private static final MethodHandle LSEEK;

    static {
        boolean available = false;
        Throwable cause = null;
        StructLayout layout = null;
        VarHandle errno = null;
        MethodHandle memfdCreate = null, ftruncate = null, fcntl = null, close = null, open = null, mmap = null,
                munmap = null, pread = null, pwrite = null, lseek = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                layout = Linker.Option.captureStateLayout();
                errno = layout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                memfdCreate = bind(linker, "memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                ftruncate = bind(linker, "ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
                // fcntl and open are variadic: the third argument is the first variadic one.
                fcntl = bind(linker, "fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                        Linker.Option.firstVariadicArg(2));
                open = bind(linker, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                        Linker.Option.firstVariadicArg(2));
                close = bind(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                mmap = bind(linker, "mmap",
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
                munmap = bind(linker, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
                pread = bind(linker, "pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
                pwrite = bind(linker, "pwrite",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
                lseek = bind(linker, "lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
                available = true;
            } catch (Throwable t) {
                // No native access (e.g. denied by the launcher) or no such symbol: the
                // pure-Java memory takes over.
                cause = t;
            }
        } else {
            cause = new UnsupportedOperationException("memfd is Linux only; os.name=" + os);
        }
        AVAILABLE = available;
        UNAVAILABLE_CAUSE = cause;
        CAPTURE_LAYOUT = layout;
        ERRNO = errno;
        MEMFD_CREATE = memfdCreate;
        FTRUNCATE = ftruncate;
        FCNTL = fcntl;
        OPEN = open;
        CLOSE = close;
        MMAP = mmap;
        MUNMAP = munmap;
        PREAD = pread;
        PWRITE = pwrite;
        LSEEK = lseek;
        StructLayout captured = layout;
        CAPTURE = available ? ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(captured)) : null;
    }

    private LinuxSyscalls() {
    }

    private static MethodHandle bind(Linker linker, String name, FunctionDescriptor descriptor,
            Linker.Option... extra) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name + " in the C library"));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /** Whether the memfd system calls can be used in this JVM. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** Why they cannot, or null. */
    public static Throwable unavailableCause() {
        return UNAVAILABLE_CAUSE;
    }

    private static MemorySegment capture() {
        return CAPTURE.get();
    }

    private static ErrnoException failure(String operation, Object state, Object value, String detail) {
        int code = (int) ERRNO.get(capture(), 0L);
        Errno errno = Errno.ofCode(code);
        if (errno == null) {
            return new ErrnoException(Errno.EIO, operation, state, value,
                    (detail == null ? "" : detail + "; ") + "kernel errno " + code);
        }
        return new ErrnoException(errno, operation, state, value, detail);
    }

    private static RuntimeException unexpected(String operation, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(operation + " downcall failed", t);
    }

    /** memfd_create(2); a null name is passed as NULL so the kernel judges it. */
    static int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = name == null ? MemorySegment.NULL : arena.allocateFrom(name);
            int fd = (int) MEMFD_CREATE.invokeExact(capture(), cName, flags);
            if (fd < 0) {
                throw failure("memfd_create", null, describeName(name),
                        "flags 0x" + Integer.toHexString(flags));
            }
            return fd;
        } catch (Throwable t) {
            throw unexpected("memfd_create", t);
        }
    }

    private static String describeName(String name) {
        if (name == null) {
            return "NULL";
        }
        return name.length() <= 64 ? name : name.substring(0, 32) + "... (" + name.length() + " chars)";
    }

    static void ftruncate(int fd, long size, String name) {
        try {
            int r = (int) FTRUNCATE.invokeExact(capture(), fd, size);
            if (r < 0) {
                throw failure("ftruncate", name, size, null);
            }
        } catch (Throwable t) {
            throw unexpected("ftruncate", t);
        }
    }

    static int fcntl(int fd, int cmd, int arg, String operation, Object state, Object value) {
        try {
            int r = (int) FCNTL.invokeExact(capture(), fd, cmd, arg);
            if (r < 0) {
                throw failure(operation, state, value, null);
            }
            return r;
        } catch (Throwable t) {
            throw unexpected(operation, t);
        }
    }

    static int open(String path, int flags, String name) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(capture(), arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw failure("open", name, path, null);
            }
            return fd;
        } catch (Throwable t) {
            throw unexpected("open", t);
        }
    }

    static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(capture(), fd);
            if (r < 0) {
                throw failure("close", null, fd, null);
            }
        } catch (Throwable t) {
            throw unexpected("close", t);
        }
    }

    /** mmap(2) of {@code length} bytes at offset 0, MAP_SHARED; returns the address. */
    static long mmapShared(int fd, long length, int prot, String name) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(capture(), MemorySegment.NULL, length, prot,
                    MAP_SHARED, fd, 0L);
            if (p.address() == -1L) {
                throw failure("mmap", name, (prot & PROT_WRITE) != 0 ? "PROT_READ|PROT_WRITE" : "PROT_READ",
                        length + " bytes MAP_SHARED");
            }
            return p.address();
        } catch (Throwable t) {
            throw unexpected("mmap", t);
        }
    }

    static void munmap(long address, long length) {
        try {
            int r = (int) MUNMAP.invokeExact(capture(), MemorySegment.ofAddress(address), length);
            if (r < 0) {
                throw failure("munmap", null, length, null);
            }
        } catch (Throwable t) {
            throw unexpected("munmap", t);
        }
    }

    /** pread(2) into native memory. */
    static long pread(int fd, MemorySegment nativeDst, long offset, String name) {
        try {
            long n = (long) PREAD.invokeExact(capture(), fd, nativeDst, nativeDst.byteSize(), offset);
            if (n < 0) {
                throw failure("pread", name, offset, null);
            }
            return n;
        } catch (Throwable t) {
            throw unexpected("pread", t);
        }
    }

    /** pwrite(2) from native memory. */
    static long pwrite(int fd, MemorySegment nativeSrc, long offset, String name) {
        try {
            long n = (long) PWRITE.invokeExact(capture(), fd, nativeSrc, nativeSrc.byteSize(), offset);
            if (n < 0) {
                throw failure("pwrite", name, offset, nativeSrc.byteSize() + " bytes");
            }
            return n;
        } catch (Throwable t) {
            throw unexpected("pwrite", t);
        }
    }

    /** The size of the file behind fd; lseek is enough since pcmshare never uses the file offset. */
    static long size(int fd, String name) {
        try {
            long n = (long) LSEEK.invokeExact(capture(), fd, 0L, SEEK_END);
            if (n < 0) {
                throw failure("lseek", name, fd, null);
            }
            return n;
        } catch (Throwable t) {
            throw unexpected("lseek", t);
        }
    }
}
