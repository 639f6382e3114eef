package pcmshare.sharing.shmem;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.HeldExport;
import pcmshare.core.api.sharing.SharedHandle;

/**
 * The "shmem" sharing backend: exports sealed memory holding a container. It keeps
 * a read-only handle of its own on each export, so the memory outlives the writer
 * (and the writer's bundle) until the last holder closes its handle; an import
 * gives the importer a further read-only handle that it owns.
 */
@Component(service = BufferExporter.class, property = BufferExporter.TYPE_PROPERTY + "=" + ShmemExporter.TYPE)
public final class ShmemExporter implements BufferExporter<Memfd, Memfd> {
    public static final String TYPE = "shmem";

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Export> live = new ConcurrentHashMap<>();
    private final ContainerReader reader;
    private volatile boolean active = true;

    @Activate
    public ShmemExporter() {
        this(new ContainerReader());
    }

    public ShmemExporter(ContainerReader reader) {
        this.reader = reader;
    }

    @Deactivate
    void deactivate() {
        // exports stay valid for their holders; only new exports and imports stop
        active = false;
    }

    @Override
    public String type() {
        return TYPE;
    }

    private void checkActive(String operation) {
        if (!active) {
            throw new ErrnoException(Errno.ENODEV, operation, "deactivated", TYPE, "the shmem exporter has stopped");
        }
    }

    /** Exports a sealed container; the caller keeps its own handle on {@code memory}. */
    @Override
    public SharedHandle export(Memfd memory, String holder) {
        checkActive("export");
        Set<Seal> seals = memory.seals();
        if (!seals.containsAll(ContainerReader.IN_PLACE_SEALS)) {
            throw new ErrnoException(Errno.EINVAL, "export", seals, memory.name(),
                    "memory must carry the seals " + ContainerReader.IN_PLACE_SEALS);
        }
        Memfd held = memory.reopen(Access.READ_ONLY);
        long size;
        try {
            // refuse what no reader would accept, before anyone holds it
            reader.read(held).close();
            size = held.size();
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        Export export = new Export(ids.incrementAndGet(), held, size);
        live.put(export.id(), export);
        return export.open(holder);
    }

    /** A new read-only handle on the exported memory, owned by the caller. */
    @Override
    public Memfd importHandle(SharedHandle handle) {
        checkActive("import");
        if (!(HeldExport.of(handle, this) instanceof Export export)) {
            throw HeldExport.foreign(TYPE, handle);
        }
        return export.importFor(handle);
    }

    @Override
    public List<ExportInfo> exports() {
        return HeldExport.listing(live.values());
    }

    private final class Export extends HeldExport {
        private final Memfd memory;

        Export(long id, Memfd memory, long size) {
            super(ShmemExporter.this, TYPE, id, size);
            this.memory = memory;
        }

        @Override
        protected String name() {
            return memory.name();
        }

        @Override
        protected void released() {
            live.remove(id());
            memory.close();
        }

        Memfd importFor(SharedHandle handle) {
            return whileOpen(handle, "import", memory::dup);
        }
    }
}
