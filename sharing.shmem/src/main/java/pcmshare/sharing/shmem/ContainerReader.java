package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * Reads containers from memory it does not trust. Memory that carries at least
 * {@link Seal#WRITE} and {@link Seal#SHRINK} cannot change or shrink any more (seals
 * are never removed), so it is validated and used in place. Any other memory could
 * be changed by its writer between validation and use, or shrunk under a mapping;
 * its bytes are copied with pread, which a shrink can shorten but never fault, and
 * the copy is validated and used.
 *
 * <p>Either way the header is read first and the container's size checked against
 * the policy's {@link FormatPolicy#maxBytes()}, and a nesting container's count
 * against {@link FormatPolicy#maxEntries()}, before anything is copied or allocated
 * for it: what the peer wrote in a header decides nothing about the reader's memory.
 */
public final class ContainerReader {
    /** The seals that let a reader use memory in place. FUTURE_WRITE is not enough: older writable mappings still write. */
    public static final Set<Seal> IN_PLACE_SEALS = EnumSet.of(Seal.WRITE, Seal.SHRINK);
    /** Largest container read by default. */
    public static final long DEFAULT_MAX_SIZE = FormatPolicy.DEFAULT_MAX_BYTES;

    private final FormatPolicy policy;

    /** A reader of {@code policy}'s formats and entry limit that takes containers of at most {@code maxSize} bytes. */
    public ContainerReader(FormatPolicy policy, long maxSize) {
        this(policy.withLimits(Math.min(maxSize, policy.maxBytes()), policy.maxEntries()));
    }

    public ContainerReader(FormatPolicy policy) {
        this.policy = policy;
    }

    public ContainerReader() {
        this(FormatPolicy.any());
    }

    /**
     * Validates the container in {@code memory}; the caller keeps its handle and closes
     * the result. The result belongs to the calling thread (its memory is confined to
     * it, which keeps unmapping cheap); copy what other threads need.
     */
    public ValidatedContainer read(Memfd memory) {
        if (memory.seals().containsAll(IN_PLACE_SEALS)) {
            if (memory.size() == 0) {
                return validate(true, null, null, MemorySegment.NULL);
            }
            MemfdMapping mapping = memory.mapConfined(Access.READ_ONLY);
            try {
                MemorySegment bytes = mapping.segment();
                long header = Math.min(bytes.byteSize(), ContainerLayout.GENERIC_HEADER);
                long size = containerSize(bytes.asSlice(0, header), bytes.byteSize());
                return validate(true, mapping, null, bytes.asSlice(0, size));
            } catch (RuntimeException e) {
                mapping.close();
                throw e;
            }
        }
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment header = arena.allocate(ContainerLayout.GENERIC_HEADER);
            long have = readFully(memory, header, 0);
            long size = containerSize(header.asSlice(0, have), memory.size());
            MemorySegment copy = arena.allocate(Math.max(size, 1));
            have = readFully(memory, copy.asSlice(0, size), 0);
            return validate(false, null, arena, copy.asSlice(0, have).asReadOnly());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads until {@code dst} is full or the memory ends (a writer may shrink it meanwhile); returns the count. */
    private static long readFully(Memfd memory, MemorySegment dst, long at) {
        long have = 0;
        long want = dst.byteSize();
        while (have < want) {
            long n = memory.read(at + have, dst.asSlice(have, want - have));
            if (n == 0) {
                break; // the writer shrank it meanwhile: validate what was there
            }
            have += n;
        }
        return have;
    }

    /**
     * The bytes to take: the container the header declares, at most what the memory
     * holds (a shorter memory then fails validation naming the size), refused beyond the
     * policy's limit.
     */
    private long containerSize(MemorySegment header, long memorySize) {
        if (header.byteSize() < ContainerLayout.GENERIC_HEADER) {
            return Math.min(header.byteSize(), memorySize);
        }
        long declared = ContainerLayout.genericSize(Integer.toUnsignedLong(header.get(ContainerLayout.U32, 8)));
        if (declared > policy.maxBytes()) {
            throw new ErrnoException(Errno.EINVAL, "validate", "generic container", declared,
                    "size: a container of " + declared + " bytes is over the reader's limit of "
                            + policy.maxBytes() + " bytes (FormatPolicy.maxBytes)");
        }
        return Math.min(declared, memorySize);
    }

    /** Validates a container in memory the caller already owns (a copy, or a test's buffer). */
    public ContainerLayout.Generic parse(MemorySegment bytes) {
        return ContainerLayout.parseGeneric(bytes, policy);
    }

    private ValidatedContainer validate(boolean inPlace, MemfdMapping mapping, Arena arena, MemorySegment bytes) {
        ContainerLayout.Generic g = ContainerLayout.parseGeneric(bytes, policy);
        List<ContainerEntry> entries = g.format() == ContainerFormat.NESTING
                ? ContainerLayout.parseNesting(g.payload(), policy)
                : List.of();
        return new CheckedContainer(inPlace, mapping, arena, g.format(), g.payload(), entries);
    }
}
