package pcmshare.sharing.dmabuf;

import java.util.ArrayList;
import java.util.List;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.sharing.dmabuf.DmaBufAttachment;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/** One importer's attachment; its mappings live on the reference that attached it. */
final class Attachment implements DmaBufAttachment {
    private final Buffer buffer;
    private final Export export;
    private final String importer;
    // guarded by this
    private final List<Mapping> mappings = new ArrayList<>();
    private boolean attached = true;

    Attachment(Buffer buffer, Export export, String importer) {
        this.buffer = buffer;
        this.export = export;
        this.importer = importer;
    }

    @Override
    public String importer() {
        return importer;
    }

    @Override
    public DmaBufMapping map(int flags) {
        Export.checkSyncFlags("map_attachment", flags);
        synchronized (this) {
            if (!attached) {
                throw new ErrnoException(Errno.EBADF, "map_attachment", "detached", importer,
                        "attachment of " + importer + " to dma-buf #" + export.id + " is detached");
            }
            Mapping m = new Mapping(export, flags, importer, false);
            mappings.add(m);
            return m;
        }
    }

    @Override
    public synchronized List<DmaBufMapping> mappings() {
        mappings.removeIf(m -> !m.isMapped());
        return List.copyOf(mappings);
    }

    @Override
    public synchronized boolean isAttached() {
        return attached;
    }

    @Override
    public void close() {
        List<Mapping> left;
        synchronized (this) {
            if (!attached) {
                return;
            }
            attached = false;
            left = List.copyOf(mappings);
            mappings.clear();
        }
        for (Mapping m : left) {
            m.close();
        }
        buffer.detached(this);
    }

    @Override
    public String toString() {
        return "attachment of " + importer + " to " + export;
    }
}
