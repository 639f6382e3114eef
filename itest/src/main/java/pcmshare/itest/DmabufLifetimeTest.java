package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.Reservation.Usage;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;
import pcmshare.core.api.sharing.dmabuf.DmaBufSource;

/**
 * A buffer exported through the dmabuf backend outlives the backend: stopping
 * sharing.dmabuf leaves an importer's dma-buf and mapping usable until it
 * releases them, new exports fail clearly while the bundle is stopped, and the
 * backend serves again once it is back.
 */
class DmabufLifetimeTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    @SuppressWarnings({ "rawtypes", "unchecked" }) // osgi-test injects services by their raw type
    void importerKeepsItsBufferWhileTheDmabufBundleIsStopped(
            @InjectService(timeout = 5000) MemoryAllocator allocator,
            @InjectService(timeout = 5000) Fences fences,
            @InjectService(filter = "(" + BufferExporter.TYPE_PROPERTY + "=dmabuf)", cardinality = 0)
            ServiceAware<BufferExporter> exporters,
            @InjectService(cardinality = 0) ServiceAware<DmaBufExporter> typed) throws Exception {
        BufferExporter<DmaBufSource, DmaBuf> dmabuf = exporters.waitForService(5000);
        assertThat(dmabuf).as("dmabuf backend registered").isNotNull();
        assertThat(dmabuf.type()).isEqualTo("dmabuf");
        DmaBufExporter stale = typed.waitForService(5000);
        assertThat(stale).as("registered under its typed interface too").isSameAs(dmabuf);

        SharedMemory memory = allocator.allocate("itest-dmabuf", 4096);
        for (int i = 0; i < 4096; i++) {
            memory.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
        }
        SharedHandle handle = dmabuf.export(DmaBufSource.of(memory), "server");
        memory.release();
        DmaBuf imported = dmabuf.importHandle(handle);
        handle.close();
        imported.setName("itest capture");
        DmaBufMapping mapping = imported.mmap(DmaBuf.SYNC_READ);

        Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> "sharing.dmabuf".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();
        SharedHandle stranded;
        try {
            assertThat(exporters.isEmpty()).as("backend gone with its bundle").isTrue();
            assertThat(typed.isEmpty()).isTrue();

            // the importer still reads its mapping and uses its dma-buf
            MemorySegment seg = mapping.segment();
            for (int i = 0; i < 4096; i += 61) {
                assertThat(seg.get(ValueLayout.JAVA_BYTE, i)).isEqualTo((byte) (i * 7));
            }
            assertThat(imported.name()).isEqualTo("itest capture");
            FenceSignaller writer = fences.newFence("late writer");
            imported.reservation().addFence(writer.fence(), Usage.WRITE);
            assertThat(imported.beginCpuAccess(DmaBuf.SYNC_READ, 0, TimeUnit.SECONDS)).isFalse();
            writer.signal();
            imported.beginCpuAccess(DmaBuf.SYNC_READ);
            imported.endCpuAccess(DmaBuf.SYNC_READ);
            stranded = imported.share("passer-on");

            // new exports fail clearly: no service to ask, and the old object says ENODEV
            SharedMemory another = allocator.allocate("itest-late", 64);
            try {
                ErrnoException e = catchThrowableOfType(ErrnoException.class,
                        () -> stale.exportMemory(another, "late"));
                assertThat(e).isNotNull();
                assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                assertThat(e.getMessage()).contains("stopped");
            } finally {
                another.release();
            }
        } finally {
            bundle.start();
        }

        DmaBufExporter again = typed.waitForService(5000);
        assertThat(again).as("backend back").isNotNull().isNotSameAs(stale);
        SharedMemory second = allocator.allocate("itest-again", 128);
        try (SharedHandle h = again.exportMemory(second, "itest-2"); DmaBuf buf = again.importHandle(h)) {
            assertThat(h.type()).isEqualTo("dmabuf");
            assertThat(buf.byteSize()).isEqualTo(128);
        } finally {
            second.release();
        }
        // a handle of the stopped exporter is not the new one's to import
        ErrnoException foreign = catchThrowableOfType(ErrnoException.class, () -> again.importHandle(stranded));
        assertThat(foreign).isNotNull();
        assertThat(foreign.errno()).isEqualTo(Errno.EINVAL);

        // released by its last holder, the memory is freed
        MemorySegment seg = mapping.segment();
        imported.close();
        stranded.close();
        assertThat(seg.get(ValueLayout.JAVA_BYTE, 1)).as("the mapping holds it last").isEqualTo((byte) 7);
        mapping.close();
        ErrnoException badf = catchThrowableOfType(ErrnoException.class, imported::name);
        assertThat(badf.errno()).isEqualTo(Errno.EBADF);
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0)))
                .as("freed memory is refused by FFM, never read").isNotNull();
    }
}
