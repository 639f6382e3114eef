package pcmshare.sharing.shmem;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.SealedContainers;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;

/** The writer and the untrusting reader of this bundle, as a service for other bundles. */
@Component
public final class ShmemContainers implements SealedContainers {
    private final ContainerWriter writer;

    @Activate
    public ShmemContainers(@Reference MemfdFactory memfds) {
        this.writer = new ContainerWriter(memfds);
    }

    @Override
    public Memfd writeGeneric(String name, long format, MemorySegment payload) {
        return writer.generic(name, format, payload);
    }

    @Override
    public Memfd writeNesting(String name, List<ContainerEntry> entries) {
        return writer.nesting(name, entries);
    }

    @Override
    public ValidatedContainer read(Memfd memory, FormatPolicy formats) {
        return new ContainerReader(formats).read(memory);
    }
}
