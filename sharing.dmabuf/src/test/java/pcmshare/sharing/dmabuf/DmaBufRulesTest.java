package pcmshare.sharing.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pcmshare.sharing.dmabuf.Bench.refused;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.Reservation.Usage;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufAttachment;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/** The rules of drivers/dma-buf/dma-buf.c and seed 000, one test each. */
class DmaBufRulesTest {
    private final Bench bench = new Bench();

    private DmaBuf importMemory(long size) {
        SharedMemory m = bench.allocator.allocate("rules", size);
        SharedHandle h = bench.exporter.exportMemory(m, "server");
        m.release();
        DmaBuf buf = bench.exporter.importHandle(h);
        h.close();
        return buf;
    }

    // ---------------------------------------------------------------- name

    @Test
    void setName_atMostDmaBufNameLenBytesWithItsNul_longerIsEINVAL() {
        DmaBuf buf = importMemory(64);
        assertThat(buf.name()).isEmpty();
        String max = "a".repeat(DmaBuf.NAME_LEN - 1);
        buf.setName(max);
        assertThat(buf.name()).isEqualTo(max);

        ErrnoException e = refused(Errno.EINVAL, () -> buf.setName("b".repeat(DmaBuf.NAME_LEN)));
        assertThat(e.operation()).isEqualTo("set_name");
        assertThat(e.getMessage()).contains("DMA_BUF_NAME_LEN 32");
        assertThat(buf.name()).as("a refused name leaves the old one").isEqualTo(max);

        // bytes count, not characters: 15 two-byte characters and a NUL fit, 16 do not
        buf.setName("é".repeat(15));
        refused(Errno.EINVAL, () -> buf.setName("é".repeat(16)));
        refused(Errno.EINVAL, () -> buf.setName(null));
        refused(Errno.EINVAL, () -> buf.setName("a\0b"));
        buf.setName("");
        assertThat(buf.name()).isEmpty();
    }

    @Test
    void setName_isSharedByEveryReferenceAndListed() {
        DmaBuf buf = importMemory(64);
        try (SharedHandle other = buf.share("client"); DmaBuf second = bench.exporter.importHandle(other)) {
            buf.setName("capture-tap");
            assertThat(second.name()).isEqualTo("capture-tap");
            ExportInfo info = bench.exporter.exports().getFirst();
            assertThat(info.name()).contains("capture-tap");
            assertThat(info.refCount()).isEqualTo(3);
            assertThat(info.holders()).contains("client", "client (imported)");
        }
        buf.close();
        assertThat(bench.exporter.exports()).isEmpty();
    }

    // ---------------------------------------------------------------- flags

    @Test
    void syncFlags_unknownOrEmptyAreEINVAL() {
        DmaBuf buf = importMemory(64);
        for (int bad : new int[] { 0, DmaBuf.SYNC_END, 8, 0x10 | DmaBuf.SYNC_READ, -1 }) {
            refused(Errno.EINVAL, () -> buf.beginCpuAccess(bad));
            refused(Errno.EINVAL, () -> buf.endCpuAccess(bad));
            refused(Errno.EINVAL, () -> buf.exportSyncFile(bad));
            refused(Errno.EINVAL, () -> buf.importSyncFile(bench.fences.syncFile("s"), bad));
            refused(Errno.EINVAL, () -> buf.mmap(bad));
            try (DmaBufAttachment a = buf.attach("dev")) {
                refused(Errno.EINVAL, () -> a.map(bad));
            }
        }
        // DMA_BUF_IOCTL_SYNC: only READ, WRITE and END are valid bits, and a direction is needed
        refused(Errno.EINVAL, () -> buf.sync(0));
        refused(Errno.EINVAL, () -> buf.sync(DmaBuf.SYNC_END));
        refused(Errno.EINVAL, () -> buf.sync(8 | DmaBuf.SYNC_RW));
        refused(Errno.EINVAL, () -> buf.sync(1L << 40 | DmaBuf.SYNC_READ));
        for (int ok : new int[] { DmaBuf.SYNC_READ, DmaBuf.SYNC_WRITE, DmaBuf.SYNC_RW }) {
            buf.sync(DmaBuf.SYNC_START | ok);
            buf.sync(DmaBuf.SYNC_END | ok);
            buf.beginCpuAccess(ok);
            buf.endCpuAccess(ok);
        }
    }

    // ---------------------------------------------------------------- type check

    @Test
    void import_handleOfAnotherBackendType_isEINVALNamingBoth() {
        ErrnoException e = refused(Errno.EINVAL, () -> bench.exporter.importHandle(new ForeignHandle("shmem")));
        assertThat(e.operation()).isEqualTo("import");
        assertThat(e.getMessage()).contains("'shmem'").contains("dmabuf");
        assertThat(e.value()).isEqualTo("shmem");
        refused(Errno.EINVAL, () -> bench.exporter.importHandle(null));
    }

    @Test
    void import_handleOfAnotherDmabufExporter_isEINVALNamingBoth_neverAMisread() {
        DmabufExporter other = new DmabufExporter(bench.fences);
        SharedMemory m = bench.allocator.allocate("other", 64);
        try (SharedHandle h = other.exportMemory(m, "elsewhere")) {
            ErrnoException e = refused(Errno.EINVAL, () -> bench.exporter.importHandle(h));
            assertThat(e.getMessage()).contains(other.label()).contains(bench.exporter.label());
            // a handle of the same type but claiming to be dmabuf is still refused
            refused(Errno.EINVAL, () -> bench.exporter.importHandle(new ForeignHandle("dmabuf")));
        } finally {
            m.release();
        }
    }

    // ---------------------------------------------------------------- sync while running

    @Test
    void cpuAccessSync_refusedWithEBUSYWhileCaptureRunning_namingTheState() {
        PcmSubstream s = bench.running(Direction.CAPTURE);
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            for (int flags : new int[] { DmaBuf.SYNC_READ, DmaBuf.SYNC_WRITE, DmaBuf.SYNC_RW }) {
                ErrnoException begin = refused(Errno.EBUSY, () -> buf.beginCpuAccess(flags));
                assertThat(begin.state()).isEqualTo("RUNNING");
                assertThat(begin.getMessage()).contains("COHERENT_BUFFER");
                assertThat(refused(Errno.EBUSY, () -> buf.endCpuAccess(flags)).state()).isEqualTo("RUNNING");
                refused(Errno.EBUSY, () -> buf.sync(DmaBuf.SYNC_END | flags));
            }
            // mapping the data is allowed, as ALSA's mmap is
            try (DmaBufMapping m = buf.mmap(DmaBuf.SYNC_READ)) {
                assertThat(m.segment().byteSize()).isEqualTo(Bench.MMAP.bufferBytes());
            }
            s.drop();
            buf.beginCpuAccess(DmaBuf.SYNC_READ);
            buf.endCpuAccess(DmaBuf.SYNC_READ);
        } finally {
            s.close();
        }
    }

    @Test
    void cpuAccessSync_refusedWithEBUSYWhilePlaybackDraining() {
        PcmSubstream s = bench.running(Direction.PLAYBACK);
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            s.setNonBlocking(true);
            refused(Errno.EAGAIN, s::drain);
            assertThat(s.state()).isEqualTo(PcmState.DRAINING);
            assertThat(refused(Errno.EBUSY, () -> buf.beginCpuAccess(DmaBuf.SYNC_WRITE)).state()).isEqualTo("DRAINING");
            bench.periods(Bench.PERIODS);
            assertThat(s.state()).isEqualTo(PcmState.SETUP);
            buf.beginCpuAccess(DmaBuf.SYNC_WRITE);
            buf.endCpuAccess(DmaBuf.SYNC_WRITE);
        } finally {
            s.close();
        }
    }

    @Test
    void cpuAccessSync_allowedWhileRunningWhenTheDriverDeclaresACoherentBuffer() {
        Bench coherent = Bench.coherent();
        PcmSubstream s = coherent.running(Direction.CAPTURE);
        try (SharedHandle h = coherent.exporter.exportSubstream(s, "server");
                DmaBuf buf = coherent.exporter.importHandle(h)) {
            assertThat(s.state()).isEqualTo(PcmState.RUNNING);
            buf.endCpuAccess(DmaBuf.SYNC_RW);
            buf.sync(DmaBuf.SYNC_END | DmaBuf.SYNC_READ);
        } finally {
            s.close();
        }
    }

    @Test
    void beginCpuAccess_readWaitsForWriters_writeWaitsForAll() {
        DmaBuf buf = importMemory(64);
        FenceSignaller reader = bench.fences.newFence("reader");
        buf.reservation().addFence(reader.fence(), Usage.READ);
        assertThat(buf.beginCpuAccess(DmaBuf.SYNC_READ, 0, TimeUnit.SECONDS)).as("read ignores readers").isTrue();
        assertThat(buf.beginCpuAccess(DmaBuf.SYNC_WRITE, 0, TimeUnit.SECONDS)).as("write waits for readers").isFalse();
        FenceSignaller writer = bench.fences.newFence("writer");
        buf.reservation().addFence(writer.fence(), Usage.WRITE);
        assertThat(buf.beginCpuAccess(DmaBuf.SYNC_READ, 0, TimeUnit.SECONDS)).as("read waits for writers").isFalse();
        reader.signal();
        assertThat(buf.beginCpuAccess(DmaBuf.SYNC_WRITE, 0, TimeUnit.SECONDS)).isFalse();
        writer.signal();
        assertThat(buf.beginCpuAccess(DmaBuf.SYNC_RW, 0, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void beginCpuAccess_blocksUntilTheConflictingFenceSignals() throws Exception {
        DmaBuf buf = importMemory(64);
        FenceSignaller writer = bench.fences.newFence("writer");
        buf.reservation().addFence(writer.fence(), Usage.WRITE);
        CountDownLatch began = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            buf.beginCpuAccess(DmaBuf.SYNC_READ);
            began.countDown();
        });
        awaitParked(t);
        assertThat(began.getCount()).as("still waiting for the writer").isEqualTo(1);
        writer.signal();
        assertThat(began.await(10, TimeUnit.SECONDS)).isTrue();
        t.join();
    }

    /** Spins (no sleep) until {@code t} parks, or fails after 10 s of real time. */
    static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t + " never waited");
            }
            Thread.onSpinWait();
        }
    }

    // ---------------------------------------------------------------- lifetime

    @Test
    void lifetime_memoryOutlivesTheServerClosingItsSubstream() {
        PcmSubstream s = bench.running(Direction.CAPTURE);
        SharedHandle h = bench.exporter.exportSubstream(s, "server");
        DmaBuf buf = bench.exporter.importHandle(h);
        DmaBufMapping map = buf.mmap(DmaBuf.SYNC_READ);
        bench.periods(2);
        // the server closes its PCM and its handle; the client still holds the dma-buf
        s.close();
        h.close();
        MemorySegment seg = map.segment();
        for (long f = 0; f < 2 * Bench.PERIOD; f++) {
            assertThat(seg.get(ValueLayout.JAVA_BYTE, f * Bench.FRAME_BYTES)).isEqualTo((byte) f);
        }
        buf.beginCpuAccess(DmaBuf.SYNC_READ);
        buf.close();
        assertThat(seg.get(ValueLayout.JAVA_BYTE, Bench.FRAME_BYTES)).as("the mmap holds it alone").isEqualTo((byte) 1);
        map.close();
        assertThatThrownBy(() -> seg.get(ValueLayout.JAVA_BYTE, 0))
                .as("freed memory is refused by FFM, never read").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lifetime_memoryOutlivesTheExporterStopping() {
        SharedMemory m = bench.allocator.allocate("survivor", 64);
        m.segment().set(ValueLayout.JAVA_BYTE, 3, (byte) 42);
        SharedHandle h = bench.exporter.exportMemory(m, "server");
        m.release();
        DmaBuf buf = bench.exporter.importHandle(h);
        bench.exporter.deactivate();
        assertThat(refused(Errno.ENODEV, () -> bench.exporter.exportMemory(m, "late")).getMessage()).contains("stopped");
        refused(Errno.ENODEV, () -> bench.exporter.importHandle(h));
        // what was handed out keeps working
        try (DmaBufMapping map = buf.mmap(DmaBuf.SYNC_RW); SharedHandle more = h.share("passer")) {
            assertThat(map.segment().get(ValueLayout.JAVA_BYTE, 3)).isEqualTo((byte) 42);
            buf.setName("still here");
            assertThat(more.refCount()).isEqualTo(4);
        }
        h.close();
        buf.close();
        assertThat(m.refCount()).isZero();
    }

    @Test
    void exportedSubstreamBuffer_cannotBeFreedOrReplacedByTheSubstream() {
        PcmSubstream s = bench.prepared(Direction.PLAYBACK);
        SharedHandle h = bench.exporter.exportSubstream(s, "server");
        refused(Errno.EBADFD, s::hwFree);
        refused(Errno.EBADFD, () -> s.hwParams(Bench.MMAP));
        h.close();
        s.hwFree();
        s.close();
    }

    @Test
    void export_substreamWithoutMmapAccessIsEINVAL_withoutHwParamsEBADFD() {
        PcmSubstream open = bench.engine.open(bench.cardId, 0, Direction.PLAYBACK, -1, false);
        refused(Errno.EBADFD, () -> bench.exporter.exportSubstream(open, "server"));
        open.hwParams(HwParams.of(Bench.MMAP.format(), 2, 16_000, Bench.PERIOD, Bench.PERIODS));
        refused(Errno.EINVAL, () -> bench.exporter.exportSubstream(open, "server"));
        open.close();
        SharedMemory freed = bench.allocator.allocate("gone", 64);
        freed.release();
        refused(Errno.EINVAL, () -> bench.exporter.exportMemory(freed, "server"));
        refused(Errno.EINVAL, () -> bench.exporter.export(null, "server"));
        assertThat(bench.exporter.exports()).isEmpty();
    }

    @Test
    void exportMemory_aMemfdItsWriterMayStillShrink_isEINVAL_asUdmabufRefusesIt() {
        pcmshare.core.api.memory.MemfdFactory memfds = pcmshare.core.api.impl.memory.Allocators.memfdFactory();
        Memfd unsealed = memfds.create("shrinkable", pcmshare.core.api.memory.MemfdFactory.MFD_ALLOW_SEALING);
        unsealed.resize(4096);
        SharedMemory carrier = bench.allocator.allocate("carrier", 4096);
        SharedMemory m = new CountingMemory(carrier) {
            @Override
            public java.util.Optional<Memfd> memfd() {
                return java.util.Optional.of(unsealed);
            }
        };
        ErrnoException e = refused(Errno.EINVAL, () -> bench.exporter.exportMemory(m, "server"));
        assertThat(e.getMessage()).contains("export").contains("F_SEAL_SHRINK");
        assertThat(bench.exporter.exports()).isEmpty();
        unsealed.addSeals(java.util.EnumSet.of(pcmshare.core.api.memory.Seal.SHRINK));
        bench.exporter.exportMemory(m, "server").close();
        // what the allocator makes is sealed from the start
        bench.exporter.exportMemory(carrier, "server").close();
        carrier.release();
        unsealed.close();
    }

    // ---------------------------------------------------------------- release

    @Test
    void lastRelease_freesExactlyOnce() {
        CountingMemory m = new CountingMemory(bench.allocator.allocate("once", 64));
        SharedHandle h = bench.exporter.exportMemory(m, "server");
        m.release();
        assertThat(m.releases.get()).as("the export holds its own reference").isEqualTo(1);
        DmaBuf a = bench.exporter.importHandle(h);
        SharedHandle h2 = a.share("second");
        DmaBuf b = bench.exporter.importHandle(h2);
        DmaBufMapping map = b.mmap(DmaBuf.SYNC_READ);
        DmaBufAttachment att = a.attach("device");
        att.map(DmaBuf.SYNC_RW);
        assertThat(h.refCount()).isEqualTo(5);

        h.close();
        h.close();
        a.close();
        a.close();
        b.close();
        h2.close();
        assertThat(m.releases.get()).as("the mmap still holds it").isEqualTo(1);
        assertThat(att.isAttached()).as("closing a reference detaches its attachments").isFalse();
        map.close();
        assertThat(m.releases.get()).isEqualTo(2);
        assertThat(m.refCount()).isZero();
        map.close();
        b.close();
        assertThat(m.releases.get()).isEqualTo(2);
        assertThat(bench.exporter.exports()).isEmpty();
    }

    @Test
    void lastRelease_freesExactlyOnce_whenReferencesCloseConcurrently() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int round = 0; round < 200 && System.nanoTime() < deadline; round++) {
            CountingMemory m = new CountingMemory(bench.allocator.allocate("race", 64));
            SharedHandle h = bench.exporter.exportMemory(m, "server");
            m.release();
            List<AutoCloseable> refs = new ArrayList<>();
            refs.add(h);
            for (int i = 0; i < 3; i++) {
                DmaBuf buf = bench.exporter.importHandle(h);
                refs.add(buf);
                refs.add(buf.mmap(DmaBuf.SYNC_READ));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (AutoCloseable r : refs) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        r.close();
                        r.close();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(m.releases.get()).as("round " + round).isEqualTo(2);
            assertThat(m.refCount()).isZero();
        }
    }

    @Test
    void useAfterRelease_isEBADF() {
        SharedMemory m = bench.allocator.allocate("after", 64);
        SharedHandle h = bench.exporter.exportMemory(m, "server");
        m.release();
        DmaBuf buf = bench.exporter.importHandle(h);
        DmaBufAttachment att = buf.attach("dev");
        DmaBufMapping viaAtt = att.map(DmaBuf.SYNC_READ);
        DmaBufMapping mm = buf.mmap(DmaBuf.SYNC_READ);
        buf.close();
        assertThat(buf.isOpen()).isFalse();
        List<Runnable> calls = List.of(buf::name, () -> buf.setName("x"), buf::reservation, () -> buf.attach("y"),
                () -> buf.mmap(DmaBuf.SYNC_READ), () -> buf.beginCpuAccess(DmaBuf.SYNC_READ),
                () -> buf.endCpuAccess(DmaBuf.SYNC_READ), () -> buf.sync(DmaBuf.SYNC_READ),
                () -> buf.exportSyncFile(DmaBuf.SYNC_READ), () -> buf.importSyncFile(bench.fences.syncFile("s"), 1),
                () -> buf.periodFence(1), () -> buf.share("z"), buf::byteSize, buf::attachments);
        for (Runnable call : calls) {
            assertThat(refused(Errno.EBADF, call::run).getMessage()).contains("released");
        }
        refused(Errno.EBADF, () -> att.map(DmaBuf.SYNC_READ));
        refused(Errno.EBADF, viaAtt::segment);
        mm.close();
        refused(Errno.EBADF, mm::segment);
        h.close();
        refused(Errno.EBADF, () -> h.share("late"));
        // a handle that is closed is EBADF on import (its type is right, so it is not EINVAL)
        SharedMemory m2 = bench.allocator.allocate("after2", 64);
        SharedHandle h2 = bench.exporter.exportMemory(m2, "server");
        SharedHandle keep = h2.share("keeper");
        h2.close();
        refused(Errno.EBADF, () -> bench.exporter.importHandle(h2));
        keep.close();
        m2.release();
    }

    // ---------------------------------------------------------------- attach/map

    @Test
    void attachMap_readOnlyForReading_writableForWriting_detachUnmaps() {
        DmaBuf buf = importMemory(64);
        DmaBufAttachment att = buf.attach("encoder");
        assertThat(buf.attachments()).containsExactly(att);
        DmaBufMapping ro = att.map(DmaBuf.SYNC_READ);
        DmaBufMapping rw = att.map(DmaBuf.SYNC_RW);
        assertThat(ro.segment().isReadOnly()).isTrue();
        assertThat(rw.segment().isReadOnly()).isFalse();
        assertThat(att.map(DmaBuf.SYNC_WRITE).segment().isReadOnly()).isFalse();
        rw.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 9);
        assertThat(ro.segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 9);
        assertThatThrownBy(() -> ro.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                .isInstanceOf(IllegalArgumentException.class);
        ro.close();
        assertThat(att.mappings()).hasSize(2);
        att.close();
        assertThat(rw.isMapped()).isFalse();
        assertThat(buf.attachments()).isEmpty();
        buf.close();
    }

    /** A handle some other backend made. */
    private record ForeignHandle(String type) implements SharedHandle {
        @Override
        public long id() {
            return 1;
        }

        @Override
        public long byteSize() {
            return 64;
        }

        @Override
        public String holder() {
            return "foreign";
        }

        @Override
        public int refCount() {
            return 1;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public SharedHandle share(String holder) {
            return this;
        }

        @Override
        public void close() {
        }
    }

    /** Counts the releases that reach the allocator's memory. */
    private static class CountingMemory implements SharedMemory {
        private final SharedMemory delegate;
        final AtomicInteger releases;

        CountingMemory(SharedMemory delegate) {
            this(delegate, new AtomicInteger());
        }

        private CountingMemory(SharedMemory delegate, AtomicInteger releases) {
            this.delegate = delegate;
            this.releases = releases;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public long byteSize() {
            return delegate.byteSize();
        }

        @Override
        public MemorySegment segment() {
            return delegate.segment();
        }

        @Override
        public SharedMemory retain() {
            return new CountingMemory(delegate.retain(), releases);
        }

        @Override
        public void release() {
            releases.incrementAndGet();
            delegate.release();
        }

        @Override
        public int refCount() {
            return delegate.refCount();
        }

        @Override
        public java.util.Optional<Memfd> memfd() {
            return delegate.memfd();
        }
    }
}
