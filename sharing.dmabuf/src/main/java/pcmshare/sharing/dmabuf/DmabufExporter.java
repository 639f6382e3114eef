package pcmshare.sharing.dmabuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.dmabuf.DmaBufSource;

/**
 * The "dmabuf" sharing backend: exports a substream's ring buffer or a piece of
 * shared memory as a dma-buf. Each export holds its memory by a reference of its
 * own (the substream's mapping, or a retained {@link pcmshare.core.api.memory.SharedMemory}),
 * dropped when the last handle, imported dma-buf or mmap on it is closed, so
 * neither the substream, nor this component, nor its bundle can free it under an
 * importer.
 */
@Component(service = { BufferExporter.class, DmaBufExporter.class },
        property = BufferExporter.TYPE_PROPERTY + "=" + DmaBufExporter.TYPE)
public final class DmabufExporter implements DmaBufExporter {
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Fences fences;
    private final long instance = INSTANCES.incrementAndGet();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Export> live = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public DmabufExporter(@Reference Fences fences) {
        this.fences = fences;
    }

    @Deactivate
    void deactivate() {
        // what was exported stays valid for its holders; only new exports and imports stop
        active = false;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Which exporter this is, in refusals: a restarted bundle makes a new one. */
    String label() {
        return TYPE + " exporter #" + instance;
    }

    private void checkActive(String operation) {
        if (!active) {
            throw new ErrnoException(Errno.ENODEV, operation, "deactivated", TYPE,
                    "the " + label() + " has stopped; use the dmabuf exporter service registered now");
        }
    }

    @Override
    public SharedHandle export(DmaBufSource source, String holder) {
        checkActive("export");
        if (source == null) {
            throw new ErrnoException(Errno.EINVAL, "export", null, null, "nothing to export");
        }
        Export export = switch (source) {
            case DmaBufSource.Memory m -> Export.ofMemory(this, ids.incrementAndGet(), m.memory(), fences);
            case DmaBufSource.Substream s -> Export.ofSubstream(this, ids.incrementAndGet(), s.substream(), fences);
        };
        live.put(export.id, export);
        try {
            return export.newHandle(holder);
        } catch (RuntimeException e) {
            export.abandon();
            throw e;
        }
    }

    @Override
    public DmaBuf importHandle(SharedHandle handle) {
        checkActive("import");
        if (!(handle instanceof Handle h) || h.export.owner != this) {
            String type = handle == null ? "null" : handle.type();
            String maker = handle instanceof Handle h2 ? h2.export.owner.label() : "a '" + type + "' exporter";
            throw new ErrnoException(Errno.EINVAL, "import", TYPE, type,
                    "handle of type '" + type + "' made by " + maker + " was not made by this " + label());
        }
        return h.importBuffer();
    }

    @Override
    public List<ExportInfo> exports() {
        List<ExportInfo> list = new ArrayList<>();
        for (Export e : live.values()) {
            ExportInfo info = e.info();
            if (info.refCount() > 0) {
                list.add(info);
            }
        }
        list.sort((a, b) -> Long.compare(a.id(), b.id()));
        return list;
    }

    void freed(Export export) {
        live.remove(export.id, export);
    }

    @Override
    public String toString() {
        return label() + (active ? "" : " (stopped)");
    }
}
