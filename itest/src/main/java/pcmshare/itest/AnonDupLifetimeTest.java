package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.DupRequest;
import pcmshare.core.api.sharing.anondup.Preset;

/**
 * Anonymous dups in a real framework: a driver that goes away while a dup is
 * mapped leaves the mapping readable and every call on the dup refused; the
 * anondup bundle stopping ends its dups with ENODEV.
 */
class AnonDupLifetimeTest {
    private static final HwParams MMAP = new HwParams(Access.MMAP_INTERLEAVED, SampleFormat.S16_LE, 2, 48_000,
            256, 4);

    @InjectBundleContext
    BundleContext context;

    /** A card registered by this test bundle: unregistering it is what its bundle stopping does. */
    private static final class StillCard implements SoundCardDriver {
        private final String id;

        StillCard(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String name() {
            return "itest card " + id;
        }

        @Override
        public List<PcmDeviceInfo> devices() {
            HwConstraints c = HwConstraints.typical();
            return List.of(new PcmDeviceInfo(0, "itest pcm", 1, 1, c, c));
        }

        @Override
        public PcmOps open(PcmRuntime runtime) {
            return new PcmOps() {
                @Override
                public void trigger(Trigger command) {
                }

                @Override
                public long pointer() {
                    return 0;
                }
            };
        }
    }

    private ServiceRegistration<SoundCardDriver> register(PcmCore core, String id) {
        ServiceRegistration<SoundCardDriver> reg = context.registerService(SoundCardDriver.class, new StillCard(id),
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (core.card(id).isEmpty()) {
            assertThat(System.nanoTime()).as("card %s appears", id).isLessThan(deadline);
            Thread.onSpinWait();
        }
        return reg;
    }

    private static ErrnoException refused(Runnable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call::run);
        assertThat(e).as("expected a refusal").isNotNull();
        return e;
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"}) // osgi-test injects services by their raw type
    void anondupIsABufferExporterOfTypeAnondup(
            @InjectService(filter = "(" + BufferExporter.TYPE_PROPERTY + "=anondup)", timeout = 5000)
            BufferExporter exporter,
            @InjectService(timeout = 5000) AnonDup anondup,
            @InjectService(timeout = 5000) PcmCore core) {
        assertThat(exporter.type()).isEqualTo(AnonDup.TYPE);
        ServiceRegistration<SoundCardDriver> reg = register(core, "itest-export");
        try (PcmSubstream original = core.open("itest-export", 0, Direction.PLAYBACK)) {
            original.hwParams(MMAP);
            SharedHandle handle = exporter.export(DupRequest.of(original, Preset.BUFFER), "itest");
            try (PcmSubstream imported = (PcmSubstream) exporter.importHandle(handle)) {
                assertThat(anondup.permissions(imported)).isEqualTo(Preset.BUFFER.permissions());
                assertThat(refused(imported::prepare).errno()).isEqualTo(Errno.EPERM);
            }
            handle.close();
        } finally {
            reg.unregister();
        }
    }

    @Test
    void driverGoesAwayWhileADupIsMapped_mappingStaysReadable_callsAreRefused(
            @InjectService(timeout = 5000) AnonDup anondup,
            @InjectService(timeout = 5000) PcmCore core) {
        ServiceRegistration<SoundCardDriver> reg = register(core, "itest-gone");
        boolean unregistered = false;
        PcmSubstream original = core.open("itest-gone", 0, Direction.PLAYBACK);
        try {
            original.hwParams(MMAP);
            original.prepare();
            PcmSubstream monitor = anondup.dup(original, Preset.MONITOR, "itest-client");
            PcmSubstream buffer = anondup.dup(monitor, Preset.BUFFER, "itest-grandchild");
            PcmMapping mapping = buffer.map();
            MemorySegment samples = mapping.memory().segment();
            var area = monitor.mmapBegin(256);
            area.buffer().asSlice(0, 256L * area.stepBytes()).fill((byte) 0x5a);
            monitor.mmapCommit(area.offset(), area.frames());

            reg.unregister();
            unregistered = true;

            assertThat(core.card("itest-gone")).isEmpty();
            for (PcmSubstream h : List.of(monitor, original)) {
                ErrnoException e = refused(() -> h.avail());
                assertThat(e.errno()).as(e.getMessage()).isIn(Errno.EBADFD, Errno.ENODEV);
            }
            assertThat(refused(buffer::map).errno()).isIn(Errno.EBADFD, Errno.ENODEV);
            assertThat(monitor.status().state()).isEqualTo(PcmState.DISCONNECTED);
            assertThat(samples.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x5a);
            monitor.close();
            buffer.close();
            original.close();
            assertThat(samples.get(ValueLayout.JAVA_BYTE, 255L * 4)).as("valid until released").isEqualTo((byte) 0x5a);
            mapping.close();
        } finally {
            original.close();
            if (!unregistered) {
                reg.unregister();
            }
        }
    }

    @Test
    void anondupBundleStops_itsDupsGetENODEV_mappingStays_andItServesAgainOnceBack(
            @InjectService(timeout = 5000) PcmCore core,
            @InjectService(cardinality = 0) ServiceAware<AnonDup> services) throws Exception {
        AnonDup anondup = services.waitForService(5000);
        ServiceRegistration<SoundCardDriver> reg = register(core, "itest-backend");
        Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> "sharing.anondup".equals(b.getSymbolicName())).findFirst().orElseThrow();
        try (PcmSubstream original = core.open("itest-backend", 0, Direction.PLAYBACK)) {
            original.hwParams(MMAP);
            PcmSubstream dup = anondup.dup(original, Preset.BUFFER, "itest");
            PcmMapping mapping = dup.map();
            mapping.memory().segment().fill((byte) 3);
            bundle.stop();
            try {
                assertThat(services.isEmpty()).as("backend gone with its bundle").isTrue();
                assertThat(refused(dup::map).errno()).isEqualTo(Errno.ENODEV);
                assertThat(mapping.memory().segment().get(ValueLayout.JAVA_BYTE, 9)).isEqualTo((byte) 3);
                assertThat(original.state()).as("the owner is untouched").isEqualTo(PcmState.SETUP);
            } finally {
                bundle.start();
            }
            AnonDup again = services.waitForService(5000);
            try (PcmSubstream dup2 = again.dup(original, Preset.MONITOR, "itest")) {
                assertThat(dup2.hwParams()).isEqualTo(MMAP);
            }
            mapping.close();
            dup.close();
        } finally {
            reg.unregister();
        }
    }
}
