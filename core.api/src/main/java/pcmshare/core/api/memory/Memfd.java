package pcmshare.core.api.memory;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A handle on anonymous shared memory that can be sealed: on Linux a memfd
 * (memfd_create(2)) reached through the Foreign Function &amp; Memory API, elsewhere a
 * pure-Java memory with the same rules. Several handles ({@link #dup()},
 * {@link #reopen(Access)}) may refer to the same memory; seals and size belong to the
 * memory and are seen by all of them. The memory lives until its last handle is
 * closed and its last mapping is unmapped.
 *
 * <p>The rules are the kernel's (mm/memfd.c, mm/shmem.c, fcntl(2)), and refusals
 * carry the kernel's errno:
 * <ul>
 * <li>adding seals through a {@link Access#READ_ONLY} handle: EPERM; unknown seal
 * bits: EINVAL; any seal once {@link Seal#SEAL} is set (always set on memory made
 * without {@link MemfdFactory#MFD_ALLOW_SEALING}): EPERM;</li>
 * <li>{@link Seal#WRITE} while a writable shared mapping exists: EBUSY;</li>
 * <li>{@link #resize} against {@link Seal#SHRINK} / {@link Seal#GROW}: EPERM; through
 * a read-only handle: EINVAL;</li>
 * <li>{@link #write} or a writable {@link #map} under {@link Seal#WRITE} or
 * {@link Seal#FUTURE_WRITE}: EPERM; {@link #write} through a read-only handle: EBADF;
 * a writable {@link #map} through a read-only handle: EACCES;</li>
 * <li>anything on a closed handle: EBADF.</li>
 * </ul>
 * Where the kernel would let a process crash, pcmshare refuses instead: mappings
 * never extend past the current size (EINVAL), and {@link #resize} below the end of a
 * live mapping made through any handle on the same memory is EBUSY (unless
 * {@link Seal#SHRINK} refuses it first, EPERM), so no access to a mapping can raise
 * SIGBUS. Memory received from another process must carry {@link Seal#SHRINK} before
 * it is mapped, as the kernel's udmabuf requires: that process can shrink it otherwise.
 *
 * <p>Each call pins the descriptor for its duration (the kernel's fdget/fdput): a
 * {@link #close()} racing a call marks the handle closed at once, and the descriptor
 * is closed when the last call in flight returns, so no call ever acts on another file
 * that reused the number.
 */
public interface Memfd extends AutoCloseable {

    /** The name given at creation (shown as {@code memfd:<name>} by the kernel). */
    String name();

    /** How this handle was opened. */
    Access access();

    /** The current size in bytes. */
    long size();

    /**
     * ftruncate(2): sets the size; new bytes read as zero. EBUSY below the end of a live
     * mapping of this memory.
     */
    void resize(long newSize);

    /** F_ADD_SEALS with these seals; adding seals already present is allowed (idempotent). */
    void addSeals(Set<Seal> seals);

    /** F_ADD_SEALS with a raw bit mask, to reach the kernel's own argument checks. */
    void addSeals(int sealBits);

    /** F_GET_SEALS. */
    Set<Seal> seals();

    /** F_GET_SEALS as the kernel's bit mask. */
    int sealBits();

    /**
     * Maps the whole memory, at its current size, shared. A {@link Access#READ_WRITE}
     * mapping counts as a writable mapping until closed, and so does a read-only
     * mapping made through a writable handle before any write seal (the kernel lets
     * it be mprotect()ed writable).
     */
    MemfdMapping map(Access access);

    /**
     * As {@link #map(Access)}, but the mapping may only be used, and must be closed, by
     * the calling thread; closing it then needs no handshake with other threads, which
     * makes short-lived mappings (fill, then seal) several times cheaper.
     */
    MemfdMapping mapConfined(Access access);

    /**
     * pwrite(2): writes all of {@code src} at {@code offset}, growing the memory when it
     * writes past the end; returns the number of bytes written, which is short only
     * when {@link Seal#GROW} stops it at a page boundary.
     */
    long write(long offset, MemorySegment src);

    /** pread(2): reads up to {@code dst.byteSize()} bytes at {@code offset}; returns the count (0 at the end). */
    long read(long offset, MemorySegment dst);

    /** A new handle on the same open memory, with the same access (dup(2)). */
    Memfd dup();

    /** A new, independent open of the same memory (open("/proc/self/fd/N")). */
    Memfd reopen(Access access);

    /** The native file descriptor, when there is one. */
    OptionalInt fd();

    /**
     * Closes this handle; idempotent. Other handles and mappings are unaffected; a call
     * in flight on another thread finishes on this memory, and the descriptor is closed
     * when it returns.
     */
    @Override
    void close();
}
