package pcmshare.core.api.impl.memory;

import org.osgi.service.component.annotations.Component;

import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;

/** Sealable memory as a service, so bundles reach memfd only through the exported API. */
@Component(service = MemfdFactory.class)
public final class MemfdFactoryComponent implements MemfdFactory {
    private final MemfdFactory delegate = Allocators.memfdFactory();

    @Override
    public Memfd create(String name, int flags) {
        return delegate.create(name, flags);
    }

    @Override
    public boolean isNative() {
        return delegate.isNative();
    }
}
