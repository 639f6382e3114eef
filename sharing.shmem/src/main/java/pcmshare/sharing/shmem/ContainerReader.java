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
 */
public final class ContainerReader {
    /** The seals that let a reader use memory in place. FUTURE_WRITE is not enough: older writable mappings still write. */
    public static final Set<Seal> IN_PLACE_SEALS = EnumSet.of(Seal.WRITE, Seal.SHRINK);
    /** Largest container copied by default. */
    public static final long DEFAULT_MAX_SIZE = 16L << 20;

    private final FormatPolicy policy;
    private final long maxSize;

    public ContainerReader(FormatPolicy policy, long maxSize) {
        this.policy = policy;
        this.maxSize = maxSize;
    }

    public ContainerReader(FormatPolicy policy) {
        this(policy, DEFAULT_MAX_SIZE);
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
                return validate(true, mapping, null, mapping.segment());
            } catch (RuntimeException e) {
                mapping.close();
                throw e;
            }
        }
        long size = memory.size();
        if (size > maxSize) {
            throw new ErrnoException(Errno.EINVAL, "validate", "unsealed memory", size,
                    "size: larger than this reader copies (" + maxSize + " bytes)");
        }
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment copy = arena.allocate(Math.max(size, 1));
            long have = 0;
            while (have < size) {
                long n = memory.read(have, copy.asSlice(have, size - have));
                if (n == 0) {
                    break; // the writer shrank it meanwhile: validate what was there
                }
                have += n;
            }
            return validate(false, null, arena, copy.asSlice(0, have).asReadOnly());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
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
