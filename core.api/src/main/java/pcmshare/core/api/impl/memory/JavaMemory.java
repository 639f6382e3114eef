package pcmshare.core.api.impl.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * The memory behind pure-Java memfd handles: what the kernel keeps in the shmem
 * inode (size, seals, the count of writable mappings) and the bytes. It is freed
 * when the last handle is closed and the last mapping unmapped.
 *
 * <p>Unlike a kernel memfd the bytes cannot move under a mapping: growing past the
 * reserved capacity while mappings exist is refused with ENOMEM. As for the kernel
 * memfd, shrinking below the end of a live mapping is refused with EBUSY
 * ({@link MappedExtents}), where the kernel would let the mapping's readers fault.
 */
final class JavaMemory {
    private static final int WRITE_SEALS = Seal.WRITE.bit() | Seal.FUTURE_WRITE.bit();
    private static final int EXEC_IMPLIES = Seal.SHRINK.bit() | Seal.GROW.bit() | WRITE_SEALS;
    /** The largest size pcmshare's Java memory accepts, as EFBIG beyond (MAX_LFS_FILESIZE is larger). */
    static final long MAX_SIZE = 1L << 40;

    final String name;
    private Arena arena;
    private MemorySegment bytes;
    private long size;
    private int seals;
    private int writableMappings;
    private int mappings;
    private int references;
    private final MappedExtents extents = new MappedExtents();

    JavaMemory(String name, boolean allowSealing) {
        this.name = name;
        this.seals = allowSealing ? 0 : Seal.SEAL.bit();
        this.arena = null;
        this.bytes = MemorySegment.NULL;
        this.references = 1;
    }

    synchronized void reference() {
        references++;
    }

    synchronized void unreference() {
        if (--references == 0) {
            free();
        }
    }

    private void free() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
        bytes = MemorySegment.NULL;
    }

    synchronized long size() {
        return size;
    }

    synchronized int seals() {
        return seals;
    }

    synchronized void addSeals(int add, Access handle) {
        if (!handle.writable()) {
            throw new ErrnoException(Errno.EPERM, "F_ADD_SEALS", Seal.fromBits(seals), Seal.fromBits(add),
                    "handle is read-only");
        }
        if ((add & ~Seal.ALL_BITS) != 0) {
            throw new ErrnoException(Errno.EINVAL, "F_ADD_SEALS", Seal.fromBits(seals),
                    "0x" + Integer.toHexString(add), "unknown seal bits");
        }
        if ((seals & Seal.SEAL.bit()) != 0) {
            throw new ErrnoException(Errno.EPERM, "F_ADD_SEALS", Seal.fromBits(seals), Seal.fromBits(add),
                    "memory is sealed against sealing");
        }
        if ((add & Seal.WRITE.bit()) != 0 && (seals & Seal.WRITE.bit()) == 0 && writableMappings > 0) {
            throw new ErrnoException(Errno.EBUSY, "F_ADD_SEALS", Seal.fromBits(seals), Seal.fromBits(add),
                    writableMappings + " writable shared mapping(s) exist");
        }
        // mm/memfd.c memfd_add_seals: "SEAL_EXEC implys SEAL_WRITE, making W^X from the start".
        // Java memory is made as memfd_create makes it without MFD_NOEXEC_SEAL: executable
        // (mode 0777), so the implication always applies. As in the kernel it comes after the
        // EBUSY check above, which only an explicit WRITE triggers.
        if ((add & Seal.EXEC.bit()) != 0) {
            add |= EXEC_IMPLIES;
        }
        seals |= add;
    }

    synchronized void resize(long newSize, Access handle) {
        if (!handle.writable() || newSize < 0) {
            throw new ErrnoException(Errno.EINVAL, "ftruncate", name, newSize,
                    newSize < 0 ? "negative size" : "handle is read-only");
        }
        if (newSize > MAX_SIZE) {
            throw new ErrnoException(Errno.EFBIG, "ftruncate", name, newSize, "larger than " + MAX_SIZE);
        }
        if (newSize < size && (seals & Seal.SHRINK.bit()) != 0) {
            throw new ErrnoException(Errno.EPERM, "ftruncate", Seal.fromBits(seals), newSize,
                    "shrinking from " + size + " is sealed");
        }
        if (newSize > size && (seals & Seal.GROW.bit()) != 0) {
            throw new ErrnoException(Errno.EPERM, "ftruncate", Seal.fromBits(seals), newSize,
                    "growing from " + size + " is sealed");
        }
        if (newSize < size) {
            extents.checkShrink(name, newSize);
        }
        setSize(newSize);
    }

    private void setSize(long newSize) {
        if (newSize > bytes.byteSize()) {
            reserve(newSize);
        } else if (newSize < size) {
            // truncated pages are gone: growing again must show zeros
            bytes.asSlice(newSize, size - newSize).fill((byte) 0);
        }
        size = newSize;
    }

    private void reserve(long needed) {
        if (mappings > 0) {
            throw new ErrnoException(Errno.ENOMEM, "ftruncate", name, needed,
                    "Java memory cannot move under " + mappings + " mapping(s); capacity " + bytes.byteSize());
        }
        long capacity = Math.max(MemfdRules.PAGE_SIZE, Long.highestOneBit(needed - 1) << 1);
        Arena next = Arena.ofShared();
        MemorySegment grown = next.allocate(capacity, MemfdRules.PAGE_SIZE);
        MemorySegment.copy(bytes, 0, grown, 0, size);
        free();
        arena = next;
        bytes = grown;
    }

    synchronized long write(long offset, MemorySegment src, Access handle) {
        if (!handle.writable()) {
            throw new ErrnoException(Errno.EBADF, "pwrite", name, offset, "handle is read-only");
        }
        if (offset < 0) {
            throw new ErrnoException(Errno.EINVAL, "pwrite", name, offset, "negative offset");
        }
        long length = src.byteSize();
        if (length == 0) {
            return 0;
        }
        if ((seals & WRITE_SEALS) != 0) {
            throw new ErrnoException(Errno.EPERM, "pwrite", Seal.fromBits(seals), offset, length + " bytes");
        }
        long end = offset + length;
        if ((seals & Seal.GROW.bit()) != 0 && end > size) {
            // shmem checks GROW page by page: whole pages before the end are written
            long allowed = 0;
            long pos = offset;
            while (pos < end) {
                long chunkEnd = Math.min(end, (pos / MemfdRules.PAGE_SIZE + 1) * MemfdRules.PAGE_SIZE);
                if (chunkEnd > size) {
                    break;
                }
                allowed += chunkEnd - pos;
                pos = chunkEnd;
            }
            if (allowed == 0) {
                throw new ErrnoException(Errno.EPERM, "pwrite", Seal.fromBits(seals), offset,
                        "writing " + length + " bytes would grow past " + size);
            }
            length = allowed;
            end = offset + length;
        }
        if (end > MAX_SIZE) {
            throw new ErrnoException(Errno.EFBIG, "pwrite", name, end, "larger than " + MAX_SIZE);
        }
        if (end > size) {
            setSize(end);
        }
        MemorySegment.copy(src, 0, bytes, offset, length);
        return length;
    }

    synchronized long read(long offset, MemorySegment dst) {
        if (offset < 0) {
            throw new ErrnoException(Errno.EINVAL, "pread", name, offset, "negative offset");
        }
        if (dst.isReadOnly()) {
            throw new ErrnoException(Errno.EFAULT, "pread", name, offset, "destination is read-only");
        }
        if (offset >= size) {
            return 0;
        }
        long n = Math.min(dst.byteSize(), size - offset);
        MemorySegment.copy(bytes, offset, dst, 0, n);
        return n;
    }

    synchronized MemfdMapping map(Access mapAccess, Access handle, boolean confined) {
        if (mapAccess.writable() && !handle.writable()) {
            throw new ErrnoException(Errno.EACCES, "mmap", name, "PROT_READ|PROT_WRITE", "handle is read-only");
        }
        if (size == 0) {
            throw new ErrnoException(Errno.EINVAL, "mmap", name, size, "nothing to map: size is 0");
        }
        if (mapAccess.writable() && (seals & WRITE_SEALS) != 0) {
            throw new ErrnoException(Errno.EPERM, "mmap", Seal.fromBits(seals), "PROT_READ|PROT_WRITE",
                    size + " bytes MAP_SHARED");
        }
        // As the kernel's VM_MAYWRITE: a read-only shared mapping through a writable handle
        // could be made writable later, unless a write seal forbids it already.
        boolean mayWrite = handle.writable() && (mapAccess.writable() || (seals & WRITE_SEALS) == 0);
        if (mayWrite) {
            writableMappings++;
        }
        mappings++;
        extents.mapped(size);
        references++;
        return new JavaMapping(this, confined ? Arena.ofConfined() : Arena.ofShared(), bytes, size, mapAccess,
                mayWrite);
    }

    synchronized void unmap(boolean mayWrite, long mappedSize) {
        if (mayWrite) {
            writableMappings--;
        }
        mappings--;
        extents.unmapped(mappedSize);
        unreference();
    }

    static final class JavaMapping implements MemfdMapping {
        private final JavaMemory memory;
        private final Arena arena;
        private final MemorySegment segment;
        private final Access access;
        private final boolean mayWrite;

        JavaMapping(JavaMemory memory, Arena arena, MemorySegment bytes, long size, Access access,
                boolean mayWrite) {
            this.memory = memory;
            this.arena = arena;
            this.access = access;
            this.mayWrite = mayWrite;
            MemorySegment view = MemorySegment.ofAddress(bytes.address()).reinterpret(size, arena, null);
            this.segment = access.writable() ? view : view.asReadOnly();
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public Access access() {
            return access;
        }

        @Override
        public synchronized void close() {
            if (arena.scope().isAlive()) {
                arena.close();
                memory.unmap(mayWrite, segment.byteSize());
            }
        }
    }
}
