package pcmshare.core.api.impl.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.FenceStatus;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.SyncFileInfo;
import pcmshare.core.api.fence.Timeline;

/**
 * The cases of the kernel's tools/testing/selftests/sync (sync_alloc, sync_fence,
 * sync_merge, sync_wait) and the rules of sw_sync.c and sync_file.c.
 */
class SwSyncTest {
    private final Fences fences = new CoreFences();

    private static void assertErrno(Throwable t, Errno errno, String operation) {
        assertThat(t).isInstanceOf(ErrnoException.class);
        ErrnoException e = (ErrnoException) t;
        assertThat(e.errno()).isEqualTo(errno);
        assertThat(e.operation()).isEqualTo(operation);
    }

    @Test
    @DisplayName("test_alloc_timeline / test_alloc_fence: a timeline starts at 0 and makes pending fences")
    void test_alloc_fence() {
        Timeline t = fences.newTimeline("alloc");
        assertThat(t.value()).isZero();
        Fence f = t.createFence(1);
        assertThat(f.context()).isEqualTo(t.context());
        assertThat(f.seqno()).isEqualTo(1);
        assertThat(f.driverName()).isEqualTo("sw_sync");
        assertThat(f.timelineName()).isEqualTo("alloc");
        assertThat(f.isSignalled()).isFalse();
        t.close();
    }

    @Test
    @DisplayName("test_alloc_fence_negative: no fence from a closed timeline (EBADF), none at a negative seqno (EINVAL)")
    void test_alloc_fence_negative() {
        Timeline t = fences.newTimeline("negative");
        assertThatThrownBy(() -> t.createFence(-1)).satisfies(e -> assertErrno(e, Errno.EINVAL, "create_fence"));
        t.close();
        assertThatThrownBy(() -> t.createFence(1)).satisfies(e -> assertErrno(e, Errno.EBADF, "create_fence"));
        assertThatThrownBy(() -> t.advance(1)).satisfies(e -> assertErrno(e, Errno.EBADF, "advance"));
    }

    @Test
    @DisplayName("test_fence_one_timeline_wait: a fence signals when its timeline reaches its seqno, and stays signalled")
    void test_fence_one_timeline_wait() throws Exception {
        Timeline t = fences.newTimeline("one");
        Fence f = t.createFence(5);
        assertThat(f.await(0, TimeUnit.SECONDS)).isFalse();
        t.advance(1);
        assertThat(f.await(0, TimeUnit.SECONDS)).isFalse();
        t.advance(4);
        assertThat(f.await(0, TimeUnit.SECONDS)).isTrue();
        t.advance(10);
        assertThat(f.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(t.value()).isEqualTo(15);
    }

    @Test
    @DisplayName("sw_sync: a fence at a seqno already reached is signalled; a pending seqno gives the same fence")
    void createFence_reachedIsSignalled_pendingIsShared() {
        Timeline t = fences.newTimeline("reuse");
        t.advance(3);
        assertThat(t.createFence(2).isSignalled()).isTrue();
        assertThat(t.createFence(3).isSignalled()).isTrue();
        Fence a = t.createFence(7);
        assertThat(t.createFence(7)).isSameAs(a);
    }

    @Test
    @DisplayName("sync_timeline_signal: fences signal in seqno order, whatever order they were made in")
    void advance_signalsInSeqnoOrder() {
        Timeline t = fences.newTimeline("order");
        List<Long> order = new ArrayList<>();
        for (long seqno : new long[] {5, 1, 9, 3, 7, 2}) {
            t.createFence(seqno).addCallback(f -> order.add(f.seqno()));
        }
        t.advance(4);
        assertThat(order).containsExactly(1L, 2L, 3L);
        t.advance(100);
        assertThat(order).containsExactly(1L, 2L, 3L, 5L, 7L, 9L);
    }

    @Test
    @DisplayName("SW_SYNC_IOC_INC: a negative increment is EINVAL, one past Long.MAX_VALUE is EOVERFLOW")
    void advance_refusesNegativeAndOverflow() {
        Timeline t = fences.newTimeline("inc");
        assertThatThrownBy(() -> t.advance(-1)).satisfies(e -> assertErrno(e, Errno.EINVAL, "advance"));
        t.advance(Long.MAX_VALUE);
        assertThatThrownBy(() -> t.advance(1)).satisfies(e -> assertErrno(e, Errno.EOVERFLOW, "advance"));
        assertThat(t.value()).isEqualTo(Long.MAX_VALUE);
        t.advance(0);
    }

    @Test
    @DisplayName("sw_sync release: closing a timeline signals its pending fences with ENOENT, reached ones keep no error")
    void timelineClosed_signalsPendingWithENOENT() {
        Timeline t = fences.newTimeline("closing");
        Fence done = t.createFence(1);
        Fence pending1 = t.createFence(2);
        Fence pending2 = t.createFence(10);
        t.advance(1);
        assertThat(t.isClosed()).isFalse();
        t.close();
        assertThat(t.isClosed()).isTrue();
        assertThat(done.status()).isEqualTo(FenceStatus.SIGNALLED);
        assertThat(pending1.status()).isEqualTo(FenceStatus.ERROR);
        assertThat(pending1.error()).isEqualTo(Errno.ENOENT);
        assertThat(pending2.error()).isEqualTo(Errno.ENOENT);
        t.close();
    }

    @Test
    @DisplayName("test_fence_one_timeline_merge: merging fences of one timeline keeps the latest; it signals with it")
    void test_fence_one_timeline_merge() {
        Timeline t = fences.newTimeline("merge");
        SyncFile a = fences.syncFile("a", t.createFence(1));
        SyncFile b = fences.syncFile("b", t.createFence(2));
        SyncFile c = fences.syncFile("c", t.createFence(3));
        SyncFile d = fences.merge("mergeFence", b, a);
        d = fences.merge("mergeFence", c, d);
        for (SyncFile s : List.of(a, b, c, d)) {
            assertThat(s.info().count(FenceStatus.PENDING)).as(s.name()).isEqualTo(1);
            assertThat(s.info().fences()).hasSize(1);
        }
        assertThat(d.fences()).containsExactly(c.fence());

        t.advance(1);
        assertThat(a.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        assertThat(d.info().count(FenceStatus.PENDING)).as("d signalled too early").isEqualTo(1);
        t.advance(1);
        assertThat(b.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        assertThat(d.info().count(FenceStatus.PENDING)).as("d signalled too early").isEqualTo(1);
        t.advance(1);
        assertThat(c.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        assertThat(d.info().count(FenceStatus.PENDING)).isZero();
        assertThat(d.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        assertThat(d.status()).isEqualTo(FenceStatus.SIGNALLED);
    }

    @Test
    @DisplayName("test_fence_merge_same_fence: a sync file merged with itself holds the fence once")
    void test_fence_merge_same_fence() {
        Timeline t = fences.newTimeline("same");
        SyncFile a = fences.syncFile("a", t.createFence(5));
        SyncFile merged = a.merge("mergeFence", a);
        assertThat(merged.info().fences()).hasSize(1);
        assertThat(merged.info().count(FenceStatus.PENDING)).isEqualTo(1);
        t.advance(5);
        assertThat(merged.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        assertThat(merged.status()).isEqualTo(FenceStatus.SIGNALLED);
    }

    @Test
    @DisplayName("test_fence_multi_timeline_wait: a merge of three timelines signals after the last of them")
    void test_fence_multi_timeline_wait() throws Exception {
        Timeline ta = fences.newTimeline("A");
        Timeline tb = fences.newTimeline("B");
        Timeline tc = fences.newTimeline("C");
        SyncFile merged = fences.merge("mergeFence", fences.syncFile("B", tb.createFence(5)),
                fences.syncFile("A", ta.createFence(5)));
        merged = fences.merge("mergeFence", fences.syncFile("C", tc.createFence(5)), merged);

        assertThat(merged.info().count(FenceStatus.PENDING)).as("signalled too early").isEqualTo(3);
        assertThat(merged.await(0, TimeUnit.SECONDS)).isFalse();
        ta.advance(5);
        assertThat(merged.info().count(FenceStatus.PENDING)).isEqualTo(2);
        assertThat(merged.info().count(FenceStatus.SIGNALLED)).isEqualTo(1);
        tb.advance(5);
        assertThat(merged.info().count(FenceStatus.PENDING)).isEqualTo(1);
        assertThat(merged.info().count(FenceStatus.SIGNALLED)).isEqualTo(2);
        assertThat(merged.await(0, TimeUnit.SECONDS)).isFalse();

        AtomicReference<Boolean> woke = new AtomicReference<>();
        SyncFile waitedOn = merged;
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                woke.set(waitedOn.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                woke.set(false);
            }
        });
        Waiting.untilParked(waiter);
        tc.advance(5);
        waiter.join(10_000);
        assertThat(woke.get()).isTrue();
        assertThat(merged.info().count(FenceStatus.SIGNALLED)).isEqualTo(3);
        assertThat(merged.await(0, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("sync_file_merge: per context the later seqno is kept, fences sorted by context")
    void merge_keepsLaterSeqnoPerContext() {
        Timeline t1 = fences.newTimeline("t1");
        Timeline t2 = fences.newTimeline("t2");
        Fence late1 = t1.createFence(9);
        Fence f2 = t2.createFence(4);
        SyncFile a = fences.syncFile("a", late1, f2);
        SyncFile b = fences.syncFile("b", t1.createFence(3));
        SyncFile merged = b.merge("m", a);
        assertThat(merged.fences()).containsExactly(late1, f2);
        assertThat(merged.fence().context()).isNotIn(t1.context(), t2.context());
        assertThat(merged.info().name()).isEqualTo("m");
        assertThat(merged.info().fences()).extracting(i -> i.seqno()).containsExactly(9L, 4L);
    }

    @Test
    @DisplayName("sync_file: a fence that signalled with an error makes the whole file signal with it")
    void merged_reportsErrorOfAPart() {
        Timeline t = fences.newTimeline("t");
        FenceSignaller s = fences.newFence("failing");
        SyncFile merged = fences.syncFile("m", t.createFence(1), s.fence());
        s.setError(Errno.EIO);
        s.signal();
        assertThat(merged.status()).as("must wait for every fence").isEqualTo(FenceStatus.PENDING);
        assertThat(merged.fence().error()).isNull();
        t.advance(1);
        assertThat(merged.status()).isEqualTo(FenceStatus.ERROR);
        assertThat(merged.fence().error()).isEqualTo(Errno.EIO);
        SyncFileInfo info = merged.info();
        assertThat(info.count(FenceStatus.ERROR)).isEqualTo(1);
        assertThat(info.count(FenceStatus.SIGNALLED)).isEqualTo(1);
    }

    @Test
    @DisplayName("SYNC_IOC_MERGE: merging with something that is not a sync file is ENOENT, as in sync_file_ioctl_merge")
    void merge_withNonSyncFile_isENOENT() {
        Timeline t = fences.newTimeline("t");
        SyncFile a = fences.syncFile("a", t.createFence(1));
        SyncFile foreign = Foreign.impostor(SyncFile.class);
        assertThatThrownBy(() -> a.merge("m", foreign)).satisfies(e -> {
            assertErrno(e, Errno.ENOENT, "sync_file_merge");
            assertThat(((ErrnoException) e).value()).isSameAs(foreign);
        });
        assertThatThrownBy(() -> a.merge("m", null)).satisfies(e -> assertErrno(e, Errno.ENOENT, "sync_file_merge"));
        assertThatThrownBy(() -> fences.merge("m", foreign, a)).satisfies(e -> assertErrno(e, Errno.ENOENT, "sync_file_merge"));
    }

    @Test
    @DisplayName("sync_file_create: only fences made by pcmshare (EINVAL otherwise); none gives the signalled stub")
    void syncFile_refusesForeignFences_andEmptyIsStub() {
        Fence foreign = Foreign.impostor(Fence.class);
        assertThatThrownBy(() -> fences.syncFile("x", foreign))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "sync_file_create"));
        assertThatThrownBy(() -> fences.syncFile("x", (Fence) null))
                .satisfies(e -> assertErrno(e, Errno.EINVAL, "sync_file_create"));
        SyncFile empty = fences.syncFile("empty");
        assertThat(empty.fence()).isSameAs(fences.signalledStub());
        assertThat(empty.status()).isEqualTo(FenceStatus.SIGNALLED);
    }

    @Test
    @DisplayName("signal and wait on a timeline's existing fences allocate nothing, with the waiter parked")
    void timelinePingPong_allocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 4_000;
        Timeline ping = fences.newTimeline("ping");
        Timeline pong = fences.newTimeline("pong");
        Fence[] pings = new Fence[rounds + 1];
        Fence[] pongs = new Fence[rounds + 1];
        for (int i = 1; i <= rounds; i++) {
            pings[i] = ping.createFence(i);
            pongs[i] = pong.createFence(i);
        }
        int warm = rounds / 2;
        long[] helperBytes = new long[2];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread helper = Thread.ofPlatform().name("pong").start(() -> {
            try {
                for (int i = 1; i <= rounds; i++) {
                    if (i == warm + 1) {
                        helperBytes[0] = mx.getCurrentThreadAllocatedBytes();
                    }
                    pings[i].await();
                    pong.advance(1);
                }
                helperBytes[1] = mx.getCurrentThreadAllocatedBytes();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        long mainBefore = 0;
        for (int i = 1; i <= rounds; i++) {
            if (i == warm + 1) {
                mainBefore = mx.getCurrentThreadAllocatedBytes();
            }
            ping.advance(1);
            if (!pongs[i].await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("pong " + i + " never signalled");
            }
        }
        long mainBytes = mx.getCurrentThreadAllocatedBytes() - mainBefore;
        helper.join(30_000);
        assertThat(failure.get()).isNull();
        assertThat(mainBytes).as("signaller/waiter allocation over %d rounds", rounds - warm).isLessThan(1_000);
        assertThat(helperBytes[1] - helperBytes[0]).as("helper allocation").isLessThan(1_000);
    }
}
