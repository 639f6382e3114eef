package pcmshare.sharing.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.sharing.dmabuf.Bench.refused;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceStatus;
import pcmshare.core.api.fence.Reservation.Usage;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;

/**
 * A fence per captured period, on the manual clock: the importer of a capture
 * buffer waits for data through the reservation, without polling.
 */
class CapturePeriodFenceTest {
    private final Bench bench = Bench.coherent();

    private static byte frameValue(MemorySegment seg, long frame) {
        return seg.get(ValueLayout.JAVA_BYTE, (frame % (Bench.PERIOD * Bench.PERIODS)) * Bench.FRAME_BYTES);
    }

    @Test
    void periodFence_signalsWhenItsPeriodIsComplete_andGuardsTheBufferAsAWriteFence() throws Exception {
        PcmSubstream s = bench.freeRunningCapture();
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h);
                DmaBufMapping map = buf.mmap(DmaBuf.SYNC_READ)) {
            Fence first = buf.periodFence(1);
            assertThat(first.isSignalled()).isFalse();
            assertThat(buf.reservation().fences(Usage.WRITE)).containsExactly(first);
            assertThat(buf.reservation().usageOf(first)).isEqualTo(Usage.WRITE);
            assertThat(buf.beginCpuAccess(DmaBuf.SYNC_READ, 0, TimeUnit.SECONDS)).as("no data yet").isFalse();
            AtomicLong calledAt = new AtomicLong(-1);
            assertThat(first.addCallback(f -> calledAt.set(bench.clock.nanoTime()))).isTrue();

            long t0 = bench.clock.nanoTime();
            bench.periods(1);
            Bench.awaitPeriods(buf, 1);
            assertThat(first.status()).isEqualTo(FenceStatus.SIGNALLED);
            assertThat(calledAt.get()).as("signalled on the period, not later").isEqualTo(t0 + Bench.PERIOD_NANOS);
            assertThat(buf.periodsCompleted()).isEqualTo(1);
            Fence second = buf.periodFence(2);
            assertThat(second.isSignalled()).isFalse();
            assertThat(buf.reservation().fences(Usage.WRITE)).as("the next period replaces the last").containsExactly(second);
            for (long f = 0; f < Bench.PERIOD; f++) {
                assertThat(frameValue(map.segment(), f)).isEqualTo((byte) f);
            }

            // a reader blocks in begin_cpu_access until the capture completes the period
            CountDownLatch began = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                buf.beginCpuAccess(DmaBuf.SYNC_READ);
                began.countDown();
            });
            DmaBufRulesTest.awaitParked(reader);
            assertThat(began.getCount()).isEqualTo(1);
            bench.periods(1);
            assertThat(began.await(10, TimeUnit.SECONDS)).isTrue();
            reader.join();
            assertThat(second.isSignalled()).isTrue();
            for (long f = Bench.PERIOD; f < 2 * Bench.PERIOD; f++) {
                assertThat(frameValue(map.segment(), f)).isEqualTo((byte) f);
            }
            buf.endCpuAccess(DmaBuf.SYNC_READ);

            // several periods at once: each fence signals, in order
            Fence fifth = buf.periodFence(5);
            bench.periods(3);
            Bench.awaitPeriods(buf, 5);
            assertThat(fifth.isSignalled()).isTrue();
            assertThat(buf.periodsCompleted()).isEqualTo(5);
            assertThat(buf.periodFence(3).isSignalled()).as("a past period's fence is signalled").isTrue();
            // across the buffer's wrap: the ring holds periods 6..9 after four more
            bench.periods(4);
            Bench.awaitPeriods(buf, 9);
            assertThat(buf.periodsCompleted()).isEqualTo(9);
            for (long f = 5 * Bench.PERIOD; f < 9 * Bench.PERIOD; f++) {
                assertThat(frameValue(map.segment(), f)).isEqualTo((byte) f);
            }
        } finally {
            s.close();
        }
    }

    @Test
    void periodFence_pendingWhenCaptureStops_signalsWithENOENT_andCountingGoesOnAfterRestart() throws Exception {
        PcmSubstream s = bench.running(Direction.CAPTURE);
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            bench.periods(2);
            Bench.awaitPeriods(buf, 2);
            Fence third = buf.periodFence(3);
            Fence later = buf.periodFence(7);
            s.drop();
            assertThat(third.await(10, TimeUnit.SECONDS)).as("signalled once the export heard the stop").isTrue();
            assertThat(third.status()).isEqualTo(FenceStatus.ERROR);
            assertThat(third.error()).isEqualTo(Errno.ENOENT);
            assertThat(later.error()).isEqualTo(Errno.ENOENT);
            assertThat(buf.reservation().isSignalled(Usage.WRITE)).as("a stopped capture blocks no reader").isTrue();
            assertThat(buf.beginCpuAccess(DmaBuf.SYNC_READ, 0, TimeUnit.SECONDS)).isTrue();
            bench.periods(3);
            assertThat(buf.periodsCompleted()).as("no periods while stopped").isEqualTo(2);

            s.prepare();
            s.start();
            Fence next = buf.periodFence(3);
            assertThat(next.isSignalled()).isFalse();
            bench.periods(1);
            Bench.awaitPeriods(buf, 3);
            assertThat(next.status()).isEqualTo(FenceStatus.SIGNALLED);
            assertThat(buf.periodsCompleted()).isEqualTo(3);
            assertThat(buf.reservation().fences(Usage.WRITE)).extracting(Fence::seqno).containsExactly(4L);
        } finally {
            s.close();
        }
    }

    @Test
    void periodFence_exportedBeforeStart_armsWithTheFirstPeriod() {
        PcmSubstream s = bench.prepared(Direction.CAPTURE);
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            assertThat(buf.reservation().fences(Usage.WRITE)).as("nothing runs, nothing to wait for").isEmpty();
            Fence first = buf.periodFence(1);
            s.start();
            bench.periods(1);
            Bench.awaitPeriods(buf, 1);
            assertThat(first.isSignalled()).isTrue();
            assertThat(buf.reservation().fences(Usage.WRITE)).extracting(Fence::seqno).containsExactly(2L);
        } finally {
            s.close();
        }
    }

    /**
     * An importer's fence callback is client code: it never runs on the clock thread
     * nor under the stream lock, so one that blocks stalls neither the periods nor
     * the owner's status().
     */
    @Test
    void periodFence_importersBlockingCallback_stallsNeitherTheClockNorTheOwnersStatus() throws Exception {
        PcmSubstream s = bench.running(Direction.CAPTURE);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        try (SharedHandle h = bench.exporter.exportSubstream(s, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            Fence first = buf.periodFence(1);
            assertThat(first.addCallback(f -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isTrue();
            try {
                java.util.concurrent.Future<?> clock = threads.submit(() -> bench.periods(3));
                assertThat(entered.await(10, TimeUnit.SECONDS)).as("the callback ran").isTrue();
                try {
                    clock.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the clock thread is stuck in an importer's fence callback", e);
                }
                assertThat(threads.submit(() -> s.status().hwPtr()).get(10, TimeUnit.SECONDS))
                        .isEqualTo(3 * Bench.PERIOD);
            } finally {
                // before the buffer is released: its release waits for what the callback holds up
                release.countDown();
            }
            Bench.awaitPeriods(buf, 3);
        } finally {
            threads.shutdownNow();
            s.close();
        }
    }

    @Test
    void periodFence_pendingWhenTheBufferIsReleased_signalsWithENOENT_andTheCaptureGoesOn() {
        PcmSubstream s = bench.running(Direction.CAPTURE);
        SharedHandle h = bench.exporter.exportSubstream(s, "server");
        DmaBuf buf = bench.exporter.importHandle(h);
        Fence pending = buf.periodFence(2);
        h.close();
        buf.close();
        assertThat(pending.error()).isEqualTo(Errno.ENOENT);
        bench.periods(3);
        assertThat(s.status().hwPtr()).isEqualTo(3 * Bench.PERIOD);
        s.close();
    }

    @Test
    void periodFence_onlyForACaptureSubstreamsBuffer() {
        PcmSubstream p = bench.running(Direction.PLAYBACK);
        SharedMemory m = bench.allocator.allocate("plain", 64);
        try (SharedHandle hp = bench.exporter.exportSubstream(p, "server"); DmaBuf play = bench.exporter.importHandle(hp);
                SharedHandle hm = bench.exporter.exportMemory(m, "server"); DmaBuf mem = bench.exporter.importHandle(hm)) {
            refused(Errno.EINVAL, () -> play.periodFence(1));
            refused(Errno.EINVAL, () -> mem.periodFence(1));
            assertThat(play.periodsCompleted()).isZero();
            bench.periods(1);
            assertThat(play.reservation().fences(Usage.BOOKKEEP)).isEmpty();
        } finally {
            m.release();
            p.close();
        }
        PcmSubstream c = bench.running(Direction.CAPTURE);
        try (SharedHandle h = bench.exporter.exportSubstream(c, "server"); DmaBuf buf = bench.exporter.importHandle(h)) {
            refused(Errno.EINVAL, () -> buf.periodFence(-1));
        } finally {
            c.close();
        }
    }
}
