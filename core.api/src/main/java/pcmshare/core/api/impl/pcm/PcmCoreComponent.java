package pcmshare.core.api.impl.pcm;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDiagnostics;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;

/**
 * The PCM core service. Tracks every {@link SoundCardDriver} service (whiteboard)
 * and turns it into a card; when a driver service goes away its substreams
 * become DISCONNECTED. Ring buffers come from the {@link MemoryAllocator}
 * service when there is one, else from the platform allocator. A {@link Clock}
 * service, when present at activation (a test rig's manual clock), replaces the
 * monotonic clock.
 */
@Component(service = PcmCore.class, immediate = true)
public final class PcmCoreComponent implements PcmCore {
    private static final System.Logger LOG = System.getLogger("pcmshare.core.api");
    private final PcmEngine engine;
    private volatile MemoryAllocator allocator;

    @Activate
    public PcmCoreComponent(
            @Reference(name = "clock", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.RELUCTANT)
            Clock clock) {
        this.engine = new PcmEngine(clock == null ? Clock.monotonic() : clock, this::currentAllocator,
                PcmEngine.DEFAULT_POINTER_LIMIT);
    }

    private MemoryAllocator currentAllocator() {
        MemoryAllocator a = allocator;
        return a != null ? a : Allocators.platform();
    }

    @Reference(name = "allocator", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetAllocator")
    void setAllocator(MemoryAllocator a) {
        this.allocator = a;
    }

    void unsetAllocator(MemoryAllocator a) {
        if (this.allocator == a) {
            this.allocator = null;
        }
    }

    @Reference(name = "driver", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeDriver")
    void addDriver(SoundCardDriver driver) {
        try {
            engine.addCard(driver);
        } catch (ErrnoException e) {
            // the driver's service stays; its card is not made, and the log says why
            LOG.log(System.Logger.Level.ERROR, e.getMessage());
        }
    }

    void removeDriver(SoundCardDriver driver) {
        engine.removeCard(driver);
    }

    @Deactivate
    void deactivate() {
        engine.removeAll();
    }

    @Override
    public List<CardInfo> cards() {
        return engine.cards();
    }

    @Override
    public Optional<CardInfo> card(String cardId) {
        return engine.card(cardId);
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking) {
        return engine.open(cardId, device, direction, subdevice, nonBlocking);
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking,
            String holder) {
        return engine.open(cardId, device, direction, subdevice, nonBlocking, holder);
    }

    @Override
    public List<SubstreamInfo> substreams() {
        return engine.substreams();
    }

    @Override
    public PcmDiagnostics diagnostics() {
        return engine.diagnostics();
    }
}
