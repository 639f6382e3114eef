package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;

/**
 * Builds a container in fresh memory and seals it against writing, shrinking and
 * growing, so that a reader can use it in place. The writer's mapping is gone
 * before the seal (the kernel refuses SEAL_WRITE with EBUSY while it exists).
 */
public final class ContainerWriter {
    /** The seals every container leaves the writer with. */
    public static final Set<Seal> SEALS = EnumSet.of(Seal.WRITE, Seal.SHRINK, Seal.GROW);

    private final MemfdFactory factory;

    public ContainerWriter(MemfdFactory factory) {
        this.factory = factory;
    }

    /** A sealed generic container; the caller owns the returned handle. */
    public Memfd generic(String name, long format, MemorySegment payload) {
        checkFormat("format", format);
        Memfd memfd = allocate(name, ContainerLayout.genericSize(payload.byteSize()));
        try {
            try (MemfdMapping m = memfd.mapConfined(Access.READ_WRITE)) {
                ContainerLayout.writeGeneric(m.segment(), format, payload);
            }
            memfd.addSeals(SEALS);
            return memfd;
        } catch (RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /** A sealed generic container of format {@link ContainerFormat#NESTING} holding these entries. */
    public Memfd nesting(String name, List<ContainerEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            checkFormat("formats[" + i + "]", entries.get(i).format());
        }
        long inner = ContainerLayout.nestingSize(entries);
        Memfd memfd = allocate(name, ContainerLayout.genericSize(inner));
        try {
            try (MemfdMapping m = memfd.mapConfined(Access.READ_WRITE)) {
                MemorySegment dst = m.segment();
                dst.set(ContainerLayout.U64, 0, ContainerFormat.NESTING);
                dst.set(ContainerLayout.U32, 8, (int) inner);
                ContainerLayout.writeNesting(dst.asSlice(ContainerLayout.GENERIC_HEADER, inner), entries);
            }
            memfd.addSeals(SEALS);
            return memfd;
        } catch (RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /** What every reader refuses is refused here, before any memory is made: nothing sealed is unreadable. */
    private static void checkFormat(String field, long format) {
        if (format == ContainerFormat.INVALID) {
            throw new ErrnoException(Errno.EINVAL, "write_container", "new container",
                    ContainerFormat.toString(format), field + ": DRM_FORMAT_MOD_INVALID is never a valid format");
        }
    }

    private Memfd allocate(String name, long size) {
        Memfd memfd = factory.create(name, MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        try {
            memfd.resize(size);
            return memfd;
        } catch (RuntimeException e) {
            memfd.close();
            throw e;
        }
    }
}
