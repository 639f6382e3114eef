package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.SealedContainers;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;

/**
 * A sealed container exported through the shmem backend outlives the backend:
 * stopping sharing.shmem leaves an importer's mapping readable, and the backend
 * serves new exports again once it is back.
 */
class ShmemLifetimeTest {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long FORMAT = 0x0100_0000_0000_0042L; // vendor 1, modifier 0x42

    @InjectBundleContext
    BundleContext context;

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"}) // osgi-test injects services by their raw type
    void importerKeepsReadingAfterTheShmemBundleStops(
            @InjectService(timeout = 5000) MemfdFactory memfds,
            @InjectService(filter = "(" + BufferExporter.TYPE_PROPERTY + "=shmem)", cardinality = 0)
            ServiceAware<BufferExporter> exporters) throws Exception {
        BufferExporter<Memfd, Memfd> shmem = exporters.waitForService(5000);
        assertThat(shmem).as("shmem backend registered").isNotNull();

        byte[] payload = "48000 Hz, 2 ch, S16_LE, 440 Hz tone".getBytes();
        Memfd written = sealedContainer(memfds, payload);
        SharedHandle handle = shmem.export(written, "itest");
        written.close();
        Memfd imported = shmem.importHandle(handle);
        MemfdMapping mapping = imported.map(Access.READ_ONLY);

        Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> "sharing.shmem".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();
        try {
            assertThat(exporters.isEmpty()).as("backend gone with its bundle").isTrue();
            MemorySegment seg = mapping.segment();
            assertThat(seg.get(U64, 0)).isEqualTo(FORMAT);
            assertThat(seg.get(U32, 8)).isEqualTo(payload.length);
            assertThat(seg.asSlice(12, payload.length).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(payload);
            assertThat(imported.seals()).contains(Seal.WRITE, Seal.SHRINK, Seal.GROW);
        } finally {
            bundle.start();
        }

        BufferExporter<Memfd, Memfd> again = exporters.waitForService(5000);
        assertThat(again).as("backend back").isNotNull();
        Memfd second = sealedContainer(memfds, payload);
        try (SharedHandle h = again.export(second, "itest-2")) {
            assertThat(h.type()).isEqualTo("shmem");
            assertThat(h.refCount()).isEqualTo(1);
        } finally {
            second.close();
        }
        mapping.close();
        imported.close();
        handle.close();
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void containerWrittenByOneBundleIsValidatedInPlaceByAnother(
            @InjectService(timeout = 5000) SealedContainers containers,
            @InjectService(filter = "(" + BufferExporter.TYPE_PROPERTY + "=shmem)", timeout = 5000)
            BufferExporter shmem) {
        byte[] payload = "rate=48000 channels=2 format=S16_LE tone=440".getBytes();
        Memfd written = containers.writeGeneric("stream-description", FORMAT, MemorySegment.ofArray(payload));
        try (SharedHandle handle = shmem.export(written, "itest")) {
            written.close();
            Memfd imported = (Memfd) shmem.importHandle(handle);
            try (ValidatedContainer c = containers.read(imported, FormatPolicy.only(FORMAT))) {
                assertThat(c.inPlace()).as("sealed memory is used in place").isTrue();
                assertThat(c.format()).isEqualTo(FORMAT);
                assertThat(c.payload().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(payload);
            } finally {
                imported.close();
            }
        }
    }

    private static Memfd sealedContainer(MemfdFactory memfds, byte[] payload) {
        Memfd fd = memfds.create("itest-meta", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        fd.resize(12 + payload.length);
        try (MemfdMapping m = fd.map(Access.READ_WRITE)) {
            MemorySegment seg = m.segment();
            seg.set(U64, 0, FORMAT);
            seg.set(U32, 8, payload.length);
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, seg, 12, payload.length);
        }
        fd.addSeals(EnumSet.of(Seal.WRITE, Seal.SHRINK, Seal.GROW));
        return fd;
    }
}
