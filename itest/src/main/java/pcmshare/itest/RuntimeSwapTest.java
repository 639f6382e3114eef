package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDiagnostics;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/**
 * Bundles swapped while streams run, in a real framework: every driver and
 * backend bundle is stopped and started {@value #CYCLES} times, and updated in
 * place, while a playback and a capture run on a card of this test bundle that
 * depends on none of them. That load loses no frame (no xrun, hw_ptr follows
 * the clock); what depended on the stopped bundle gets a clear error and works
 * again once the bundle is back; after every cycle the core's open substreams,
 * open handles and live buffers, and pcmshare's threads, are back at their
 * baseline. Only pcmshare's threads are counted: a framework keeps threads of its
 * own for a while after a change (Equinox's resolver threads live about 10 s after
 * {@code Bundle.update()}), and they are no leak of pcmshare's.
 */
class RuntimeSwapTest {
    private static final int CYCLES = 50;
    private static final String DUMMY_PID = "pcmshare.driver.dummy";
    private static final String DUMMY_CARD = "SwapDummy";
    private static final String LOAD_CARD = "SwapLoad";
    /** The loopback card every container has without configuration. */
    private static final String LOOPBACK_CARD = "Loopback";
    /**
     * The load: 21 ms periods in a 1.4 s buffer, so that a busy machine's scheduling cannot overrun it (a stall
     * longer than a buffer cannot be told from a wrap, and would read as a lost buffer).
     */
    private static final HwParams LOAD = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 1024, 64);
    /** What depends on a swapped bundle: short periods, mmap so that its buffer can be exported. */
    private static final HwParams DEPENDENT = new HwParams(pcmshare.core.api.pcm.Access.MMAP_INTERLEAVED,
            SampleFormat.S16_LE, 2, 48_000, 256, 32);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    MemfdFactory memfds;

    private Configuration dummyConfig;
    private ServiceRegistration<SoundCardDriver> loadCard;
    private Load load;
    private final Arena arena = Arena.ofShared();

    @BeforeEach
    void setUp() throws Exception {
        dummyConfig = configAdmin.getFactoryConfiguration(DUMMY_PID, "swap", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", DUMMY_CARD);
        props.put("playbackSubstreams", 2);
        props.put("captureSubstreams", 2);
        dummyConfig.update(props);
        loadCard = context.registerService(SoundCardDriver.class, new TimerCard(LOAD_CARD, TimerCard.Flaw.NONE, 2),
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        await(() -> core.card(DUMMY_CARD).isPresent() && core.card(LOAD_CARD).isPresent(), "both cards up");
        load = new Load();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (load != null) {
                load.close();
            }
        } finally {
            for (Bundle b : context.getBundles()) {
                if (b.getSymbolicName() != null && b.getSymbolicName().matches("driver\\..*|sharing\\..*")
                        && b.getState() != Bundle.ACTIVE) {
                    b.start();
                }
            }
            loadCard.unregister();
            dummyConfig.delete();
            arena.close();
        }
    }

    // ---------------------------------------------------------------- the load

    /**
     * A capture and a playback on the test bundle's own card, kept going by two
     * threads with blocking reads and writes. They depend on core.api alone.
     */
    private final class Load implements AutoCloseable {
        final PcmSubstream capture = core.open(LOAD_CARD, 0, Direction.CAPTURE);
        final PcmSubstream playback = core.open(LOAD_CARD, 0, Direction.PLAYBACK);
        final AtomicLong framesRead = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final PcmStatus start;
        volatile boolean stop;
        final Thread reader;
        final Thread writer;

        Load() {
            capture.hwParams(LOAD);
            capture.prepare();
            playback.hwParams(LOAD);
            playback.prepare();
            MemorySegment in = arena.allocate(LOAD.periodSize() * LOAD.frameBytes());
            MemorySegment out = arena.allocate(LOAD.periodSize() * LOAD.frameBytes());
            playback.write(arena.allocate(LOAD.bufferBytes()), LOAD.bufferSize());
            capture.start();
            start = capture.status();
            reader = Thread.ofPlatform().name("swap-load-reader").start(() -> loop(() -> {
                framesRead.addAndGet(capture.read(in, LOAD.periodSize()));
            }));
            writer = Thread.ofPlatform().name("swap-load-writer").start(() -> loop(() -> playback.write(out,
                    LOAD.periodSize())));
        }

        private void loop(Runnable transfer) {
            try {
                while (!stop) {
                    transfer.run();
                }
            } catch (Throwable t) {
                if (!stop) {
                    failure.set(t);
                }
            }
        }

        /** No frame lost so far: both still running, no xrun, and the capture's hw_ptr where the clock says. */
        void assertNoFrameLost(String when) {
            assertThat(failure.get()).as("load failure " + when).isNull();
            PcmStatus c = capture.status();
            PcmStatus p = playback.status();
            assertThat(c.state()).as("load capture " + when).isEqualTo(PcmState.RUNNING);
            assertThat(p.state()).as("load playback " + when).isEqualTo(PcmState.RUNNING);
            assertThat(c.xrunCount()).as("load capture overruns " + when).isZero();
            assertThat(p.xrunCount()).as("load playback underruns " + when).isZero();
            long elapsed = c.timestampNanos() - start.timestampNanos();
            long expected = elapsed / 1_000_000_000L * LOAD.rate() + elapsed % 1_000_000_000L * LOAD.rate()
                    / 1_000_000_000L;
            long advance = c.hwPtr() - start.hwPtr();
            assertThat(advance).as("load capture hw_ptr %s after %d ms", when, elapsed / 1_000_000)
                    .isBetween(expected - LOAD.periodSize() - expected / 200, expected + expected / 200 + 96);
            assertThat(c.avail()).as("capture backlog %s", when).isLessThan(LOAD.bufferSize());
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            capture.close();
            playback.close();
            reader.join(5000);
            writer.join(5000);
        }
    }

    // ---------------------------------------------------------------- what depends on each bundle

    /** Something that depends on one bundle: made before it stops, checked while it is stopped, then let go. */
    private interface Dependent {
        void whileStopped();

        void release();
    }

    private Dependent dependOn(String bundle) {
        return switch (bundle) {
            case "driver.dummy" -> dummyStream();
            case "driver.aloop" -> loopbackStream();
            case "sharing.dmabuf" -> dmabufExport();
            case "sharing.anondup" -> anondupOfTheLoad();
            case "sharing.shmem" -> shmemContainer();
            default -> throw new IllegalArgumentException(bundle);
        };
    }

    /** A running capture on the dummy card: DISCONNECTED while driver.dummy is stopped. */
    private Dependent dummyStream() {
        await(() -> core.card(DUMMY_CARD).isPresent(), "dummy card back");
        PcmSubstream s = core.open(DUMMY_CARD, 0, Direction.CAPTURE);
        s.hwParams(DEPENDENT);
        s.prepare();
        s.start();
        assertRuns(s);
        return new Dependent() {
            @Override
            public void whileStopped() {
                await(() -> core.card(DUMMY_CARD).isEmpty(), "dummy card gone");
                assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
                assertThat(refused(s::avail)).isIn(Errno.EBADFD, Errno.ENODEV);
                assertThat(refused(() -> core.open(DUMMY_CARD, 0, Direction.CAPTURE))).isEqualTo(Errno.ENODEV);
            }

            @Override
            public void release() {
                s.close();
            }
        };
    }

    /** A running capture on the default loopback card: DISCONNECTED while driver.aloop is stopped. */
    private Dependent loopbackStream() {
        await(() -> core.card(LOOPBACK_CARD).isPresent(), "loopback card back");
        PcmSubstream s = core.open(LOOPBACK_CARD, 1, Direction.CAPTURE);
        s.hwParams(DEPENDENT);
        s.prepare();
        s.start();
        assertRuns(s);
        return new Dependent() {
            @Override
            public void whileStopped() {
                await(() -> core.card(LOOPBACK_CARD).isEmpty(), "loopback card gone");
                assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
                assertThat(refused(s::avail)).isIn(Errno.EBADFD, Errno.ENODEV);
                assertThat(refused(() -> core.open(LOOPBACK_CARD, 1, Direction.CAPTURE))).isEqualTo(Errno.ENODEV);
            }

            @Override
            public void release() {
                s.close();
            }
        };
    }

    /** A ring buffer of the test card exported as a dma-buf, imported and mapped: readable while the backend is away. */
    private Dependent dmabufExport() {
        DmaBufExporter exporter = service(DmaBufExporter.class, null);
        PcmSubstream s = core.open(LOAD_CARD, 0, Direction.PLAYBACK, 1, false);
        s.hwParams(DEPENDENT);
        SharedHandle handle = exporter.exportSubstream(s, "swap");
        DmaBuf buf = exporter.importHandle(handle);
        DmaBufMapping mapping = buf.mmap(DmaBuf.SYNC_READ);
        return new Dependent() {
            @Override
            public void whileStopped() {
                assertThat(refused(() -> exporter.exportSubstream(s, "late"))).isEqualTo(Errno.ENODEV);
                assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 0)).isZero();
                assertThat(buf.byteSize()).isEqualTo(DEPENDENT.bufferBytes());
            }

            @Override
            public void release() {
                mapping.close();
                buf.close();
                handle.close();
                s.close();
            }
        };
    }

    /** A monitor dup of the running load capture: ENODEV while anondup is stopped; the load itself runs on. */
    private Dependent anondupOfTheLoad() {
        AnonDup anondup = service(AnonDup.class, null);
        PcmSubstream dup = anondup.dup(load.capture, Preset.MONITOR, "swap");
        assertThat(dup.status().state()).isEqualTo(PcmState.RUNNING);
        return new Dependent() {
            @Override
            public void whileStopped() {
                assertThat(refused(dup::avail)).isIn(Errno.ENODEV, Errno.EBADFD);
            }

            @Override
            public void release() {
                dup.close();
            }
        };
    }

    /** A sealed container exported through shmem, imported and mapped: readable while the backend is away. */
    @SuppressWarnings("unchecked")
    private Dependent shmemContainer() {
        BufferExporter<Memfd, Memfd> shmem = service(BufferExporter.class,
                "(" + BufferExporter.TYPE_PROPERTY + "=shmem)");
        Memfd written = memfds.create("swap-meta", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        written.resize(16);
        try (MemfdMapping m = written.map(Access.READ_WRITE)) {
            m.segment().set(U64, 0, 0x0100_0000_0000_0042L);
            m.segment().set(U32, 8, 4);
            m.segment().set(U32, 12, 0x5eed);
        }
        written.addSeals(EnumSet.of(Seal.WRITE, Seal.SHRINK, Seal.GROW));
        SharedHandle handle = shmem.export(written, "swap");
        written.close();
        Memfd imported = shmem.importHandle(handle);
        MemfdMapping mapping = imported.map(Access.READ_ONLY);
        return new Dependent() {
            @Override
            public void whileStopped() {
                assertThat(mapping.segment().get(U32, 12)).isEqualTo(0x5eed);
                assertThat(refused(() -> shmem.importHandle(handle))).isEqualTo(Errno.ENODEV);
            }

            @Override
            public void release() {
                mapping.close();
                imported.close();
                handle.close();
            }
        };
    }

    // ---------------------------------------------------------------- the suite

    @ParameterizedTest(name = "{0} stopped and started " + CYCLES + " times under load")
    @ValueSource(strings = { "driver.dummy", "driver.aloop", "sharing.dmabuf", "sharing.anondup", "sharing.shmem" })
    void stopAndStartUnderLoad_theLoadLosesNoFrame_dependentsFailClearlyAndRecover_nothingLeaks(String name)
            throws Exception {
        Bundle bundle = bundle(name);
        // one cycle first, so that what is made once and kept (timer threads, class loading) is in the baseline
        cycle(bundle, null);
        Baseline base = baseline();
        for (int i = 1; i <= CYCLES; i++) {
            cycle(bundle, base);
            load.assertNoFrameLost("after cycle " + i + " of " + name);
        }
    }

    private void cycle(Bundle bundle, Baseline base) throws Exception {
        Dependent d = dependOn(bundle.getSymbolicName());
        bundle.stop();
        try {
            d.whileStopped();
        } finally {
            bundle.start();
        }
        d.release();
        // it serves again
        dependOn(bundle.getSymbolicName()).release();
        if (base != null) {
            base.assertBack("after a stop/start of " + bundle.getSymbolicName());
        }
    }

    @Test
    void updateInPlace_withOpenSubstreamsAndExportedBuffers_theLoadLosesNoFrame_andNothingLeaks() throws Exception {
        Baseline base = baseline();
        Bundle dummy = bundle("driver.dummy");
        Bundle dmabuf = bundle("sharing.dmabuf");

        // a running dummy capture whose ring buffer is exported and mapped
        PcmSubstream s = core.open(DUMMY_CARD, 0, Direction.CAPTURE);
        s.hwParams(DEPENDENT);
        s.prepare();
        s.start();
        assertRuns(s);
        DmaBufExporter exporter = service(DmaBufExporter.class, null);
        SharedHandle handle = exporter.exportSubstream(s, "update");
        DmaBuf buf = exporter.importHandle(handle);
        DmaBufMapping mapping = buf.mmap(DmaBuf.SYNC_READ);
        Dependent other = dmabufExport();

        load.assertNoFrameLost("before updating driver.dummy");
        dummy.update();
        load.assertNoFrameLost("after updating driver.dummy");
        assertThat(dummy.getState()).isEqualTo(Bundle.ACTIVE);
        await(() -> s.state() == PcmState.DISCONNECTED, "the old card's substream disconnected");
        assertThat(refused(s::avail)).isIn(Errno.EBADFD, Errno.ENODEV);
        assertThat(mapping.segment().byteSize()).isEqualTo(DEPENDENT.bufferBytes());
        mapping.segment().get(ValueLayout.JAVA_BYTE, DEPENDENT.bufferBytes() - 1);
        dummyStream().release();

        dmabuf.update();
        load.assertNoFrameLost("after updating sharing.dmabuf");
        assertThat(dmabuf.getState()).isEqualTo(Bundle.ACTIVE);
        other.whileStopped();
        DmaBufExporter updated = service(DmaBufExporter.class, null);
        assertThat(updated).isNotSameAs(exporter);
        other.release();
        dmabufExport().release();

        load.assertNoFrameLost("after updating driver.dummy and sharing.dmabuf");
        mapping.close();
        buf.close();
        handle.close();
        s.close();
        base.assertBack("after the updates");
    }

    // ---------------------------------------------------------------- leaks

    private record Counts(PcmDiagnostics pcm, int threads) {
    }

    private final class Baseline {
        final Counts at = counts();

        /** The counts come back to the baseline; threads may take a moment to end. */
        void assertBack(String when) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Counts now = counts();
            while (!matches(now) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(2_000_000);
                now = counts();
            }
            assertThat(now.pcm().openSubstreams()).as("open substreams " + when).isEqualTo(at.pcm().openSubstreams());
            assertThat(now.pcm().openHandles()).as("open handles " + when).isEqualTo(at.pcm().openHandles());
            assertThat(now.pcm().liveBuffers()).as("live buffers " + when).isEqualTo(at.pcm().liveBuffers());
            assertThat(now.pcm().liveBufferBytes()).as("live buffer bytes " + when)
                    .isEqualTo(at.pcm().liveBufferBytes());
            assertThat(now.threads()).as("threads " + when + ": " + threadNames()).isLessThanOrEqualTo(at.threads());
        }

        private boolean matches(Counts now) {
            PcmDiagnostics a = at.pcm();
            PcmDiagnostics b = now.pcm();
            return a.openSubstreams() == b.openSubstreams() && a.openHandles() == b.openHandles()
                    && a.liveBuffers() == b.liveBuffers() && now.threads() <= at.threads();
        }
    }

    private Baseline baseline() {
        return new Baseline();
    }

    private Counts counts() {
        int threads = 0;
        for (var t : Thread.getAllStackTraces().entrySet()) {
            if (pcmshares(t.getKey(), t.getValue())) {
                threads++;
            }
        }
        return new Counts(core.diagnostics(), threads);
    }

    /**
     * A thread of pcmshare's: named so (pcmshare names every thread it starts), or running
     * pcmshare's code; not one of this test bundle's (its load, its card's timer, the test
     * itself), which call into the core too.
     */
    private static boolean pcmshares(Thread t, StackTraceElement[] stack) {
        if (t.getName().startsWith("pcmshare")) {
            return true;
        }
        boolean inPcmshare = false;
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("pcmshare.itest.")) {
                return false;
            }
            inPcmshare |= e.getClassName().startsWith("pcmshare.");
        }
        return inPcmshare;
    }

    private static String threadNames() {
        List<String> ours = new ArrayList<>();
        List<String> others = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> (pcmshares(t, stack) ? ours : others).add(t.getName()));
        ours.sort(null);
        others.sort(null);
        return "pcmshare's " + ours + ", not counted " + others;
    }

    // ---------------------------------------------------------------- helpers

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
    }

    /** The service now (the bundle that registers it may just have started). */
    private <T> T service(Class<T> type, String filter) {
        Supplier<T> get = () -> {
            try {
                var refs = context.getServiceReferences(type, filter);
                for (ServiceReference<T> ref : refs) {
                    T s = context.getService(ref);
                    if (s != null) {
                        return s;
                    }
                }
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        AtomicReference<T> found = new AtomicReference<>();
        await(() -> {
            found.set(get.get());
            return found.get() != null;
        }, type.getSimpleName() + " service");
        return found.get();
    }

    /** A period elapses on a started capture nobody reads; an overrun (the thread was late) proves it ran too. */
    private static void assertRuns(PcmSubstream s) {
        try {
            assertThat(s.waitAvail(TimeUnit.SECONDS.toNanos(2))).as("%s runs", s).isTrue();
        } catch (ErrnoException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EPIPE);
            assertThat(s.status().hwPtr()).isPositive();
        }
    }

    private static Errno refused(Runnable call) {
        ErrnoException e = catchThrowableOfType(ErrnoException.class, call::run);
        assertThat(e).as("expected a refusal").isNotNull();
        return e.errno();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
