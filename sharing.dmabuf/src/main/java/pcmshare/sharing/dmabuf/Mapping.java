package pcmshare.sharing.dmabuf;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/**
 * A mapping of an export's data. An mmap holds the export by itself, as a
 * kernel VMA holds the dma-buf file; an attachment's mapping lives inside the
 * reference that attached.
 */
final class Mapping implements DmaBufMapping, Export.Holder {
    private final Export export;
    private final int flags;
    private final String holder;
    private final boolean holdsExport;
    private final MemorySegment segment;
    private final AtomicBoolean mapped = new AtomicBoolean(true);

    Mapping(Export export, int flags, String holder, boolean holdsExport) {
        this.export = export;
        this.flags = flags;
        this.holder = holder;
        this.holdsExport = holdsExport;
        MemorySegment s = export.segment();
        this.segment = (flags & DmaBuf.SYNC_WRITE) != 0 ? s : s.asReadOnly();
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public MemorySegment segment() {
        if (!mapped.get()) {
            throw new ErrnoException(Errno.EBADF, "segment", "unmapped", holder,
                    "mapping of dma-buf #" + export.id + " was unmapped");
        }
        return segment;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public boolean isMapped() {
        return mapped.get();
    }

    @Override
    public void close() {
        if (mapped.compareAndSet(true, false) && holdsExport) {
            export.release(this);
        }
    }

    @Override
    public String toString() {
        return "mapping of " + export + "[" + holder + "]";
    }
}
