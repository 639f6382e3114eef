package pcmshare.core.api.impl.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceCallback;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.FenceStatus;
import pcmshare.core.api.fence.Fences;

/** The cases of the kernel's drivers/dma-buf/st-dma-fence.c, and the rules of dma-fence.c. */
class DmaFenceTest {
    private final Fences fences = new CoreFences();

    @Test
    @DisplayName("sanitycheck: a fence is created pending and signals")
    void sanitycheck() {
        FenceSignaller s = fences.newFence("mock");
        assertThat(s.fence().isSignalled()).isFalse();
        assertThat(s.signal()).isTrue();
        assertThat(s.fence().isSignalled()).isTrue();
    }

    @Test
    @DisplayName("test_signaling: signals exactly once; signalling again reports it (-EINVAL)")
    void test_signaling() {
        FenceSignaller s = fences.newFence("mock");
        Fence f = s.fence();
        assertThat(f.isSignalled()).as("signalled on creation").isFalse();
        assertThat(s.signal()).isTrue();
        assertThat(f.isSignalled()).isTrue();
        assertThat(f.timestampNanos()).isNotZero();
        assertThat(s.signal()).as("signalled twice").isFalse();
    }

    @Test
    @DisplayName("test_add_callback: a callback added while pending runs once on signal")
    void test_add_callback() {
        FenceSignaller s = fences.newFence("mock");
        AtomicInteger seen = new AtomicInteger();
        AtomicReference<Fence> with = new AtomicReference<>();
        assertThat(s.fence().addCallback(f -> {
            seen.incrementAndGet();
            with.set(f);
        })).isTrue();
        assertThat(seen).hasValue(0);
        s.signal();
        assertThat(seen).hasValue(1);
        assertThat(with.get()).isSameAs(s.fence());
        s.signal();
        assertThat(seen).hasValue(1);
    }

    @Test
    @DisplayName("test_late_add_callback: adding to a signalled fence returns ENOENT (false) and does not call it")
    void test_late_add_callback() {
        FenceSignaller s = fences.newFence("mock");
        s.signal();
        AtomicBoolean called = new AtomicBoolean();
        assertThat(s.fence().addCallback(f -> called.set(true))).isFalse();
        assertThat(called).isFalse();
    }

    @Test
    @DisplayName("test_rm_callback: a callback removed before signalling is not called")
    void test_rm_callback() {
        FenceSignaller s = fences.newFence("mock");
        AtomicBoolean called = new AtomicBoolean();
        FenceCallback cb = f -> called.set(true);
        assertThat(s.fence().addCallback(cb)).isTrue();
        assertThat(s.fence().removeCallback(cb)).isTrue();
        assertThat(s.fence().removeCallback(cb)).as("removed twice").isFalse();
        s.signal();
        assertThat(called).isFalse();
    }

    @Test
    @DisplayName("test_late_rm_callback: removing a callback that has run reports false")
    void test_late_rm_callback() {
        FenceSignaller s = fences.newFence("mock");
        AtomicInteger calls = new AtomicInteger();
        FenceCallback cb = f -> calls.incrementAndGet();
        assertThat(s.fence().addCallback(cb)).isTrue();
        s.signal();
        assertThat(calls).hasValue(1);
        assertThat(s.fence().removeCallback(cb)).isFalse();
    }

    @Test
    @DisplayName("dma_fence_signal: callbacks run in the order they were added, a failing one does not stop the rest")
    void callbacksRunInOrder_andAFailingOneDoesNotStopTheRest() {
        FenceSignaller s = fences.newFence("mock");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            s.fence().addCallback(f -> order.add(n));
            if (i == 2) {
                s.fence().addCallback(f -> {
                    throw new IllegalStateException("callback failed");
                });
            }
        }
        FenceCallback removed = f -> order.add(99);
        s.fence().addCallback(removed);
        s.fence().removeCallback(removed);
        assertThatThrownBy(s::signal).isInstanceOf(IllegalStateException.class);
        assertThat(s.fence().isSignalled()).isTrue();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    @DisplayName("test_status: dma_fence_get_status is 0 while pending, 1 once signalled")
    void test_status() {
        FenceSignaller s = fences.newFence("mock");
        assertThat(s.fence().status()).isEqualTo(FenceStatus.PENDING);
        s.signal();
        assertThat(s.fence().status()).isEqualTo(FenceStatus.SIGNALLED);
        assertThat(s.fence().error()).isNull();
    }

    @Test
    @DisplayName("test_error: an error set before signalling is visible only once signalled")
    void test_error() {
        FenceSignaller s = fences.newFence("mock");
        s.setError(Errno.EIO);
        assertThat(s.fence().error()).as("error seen before signal").isNull();
        assertThat(s.fence().status()).isEqualTo(FenceStatus.PENDING);
        assertThat(s.fence().info().error()).isNull();
        s.signal();
        assertThat(s.fence().status()).isEqualTo(FenceStatus.ERROR);
        assertThat(s.fence().error()).isEqualTo(Errno.EIO);
        assertThat(s.fence().info().error()).isEqualTo(Errno.EIO);
    }

    @Test
    @DisplayName("dma_fence_set_error: refused with EINVAL once the fence has signalled")
    void setError_afterSignal_isEINVAL() {
        FenceSignaller s = fences.newFence("mock");
        s.signal();
        assertThatThrownBy(() -> s.setError(Errno.EIO))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.operation()).isEqualTo("set_error");
                    assertThat(e.state()).isEqualTo("SIGNALLED");
                    assertThat(e.value()).isEqualTo(Errno.EIO);
                });
        assertThat(s.fence().error()).isNull();
    }

    @Test
    @DisplayName("test_wait: a parked waiter wakes when the fence signals")
    void test_wait() throws Exception {
        FenceSignaller s = fences.newFence("mock");
        assertThat(s.fence().await(0, TimeUnit.SECONDS)).as("signalled before signal").isFalse();
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
            try {
                s.fence().await();
                result.set(true);
            } catch (InterruptedException e) {
                result.set(false);
            }
        });
        Waiting.untilParked(waiter);
        assertThat(result.get()).isNull();
        s.signal();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(result.get()).isTrue();
    }

    @Test
    @DisplayName("dma_fence_signal: a callback that throws an Error neither stops later callbacks nor loses a waiter's wake-up")
    void dma_fence_signal_callbackThrowingAnError_stillWakesTheWaiterAndRunsTheOthers() throws Exception {
        FenceSignaller s = fences.newFence("mock");
        s.fence().addCallback(f -> {
            throw new AssertionError("a client's bug");
        });
        AtomicReference<Boolean> woken = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
            try {
                s.fence().await();
                woken.set(true);
            } catch (InterruptedException e) {
                woken.set(false);
            }
        });
        Waiting.untilParked(waiter);
        AtomicReference<Boolean> later = new AtomicReference<>(false);
        s.fence().addCallback(f -> later.set(true));
        assertThatThrownBy(s::signal).isInstanceOf(AssertionError.class).hasMessage("a client's bug");
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(woken.get()).isTrue();
        assertThat(later.get()).isTrue();
        assertThat(s.fence().await(0, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("test_wait_timeout: a wait times out while pending and succeeds once signalled")
    void test_wait_timeout() throws Exception {
        FenceSignaller s = fences.newFence("mock");
        assertThat(s.fence().await(0, TimeUnit.NANOSECONDS)).isFalse();
        assertThat(s.fence().await(1, TimeUnit.MICROSECONDS)).as("timed wait on a pending fence").isFalse();
        CountDownLatch started = new CountDownLatch(1);
        Thread signaller = Thread.ofPlatform().start(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            s.signal();
        });
        started.countDown();
        assertThat(s.fence().await(30, TimeUnit.SECONDS)).isTrue();
        signaller.join(10_000);
        assertThat(s.fence().await(0, TimeUnit.NANOSECONDS)).isTrue();
    }

    @Test
    @DisplayName("dma_fence_wait: an interrupted waiter gets InterruptedException and leaves no registration behind")
    void interruptedWait_throwsAndUnregisters() throws Exception {
        FenceSignaller s = fences.newFence("mock");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                s.fence().await(1, TimeUnit.HOURS);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        Waiting.untilParked(waiter);
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        AtomicInteger calls = new AtomicInteger();
        s.fence().addCallback(f -> calls.incrementAndGet());
        s.signal();
        assertThat(calls).hasValue(1);
    }

    @Test
    @DisplayName("test_stub: dma_fence_get_stub is signalled, on context 0, and takes no callbacks")
    void test_stub() throws Exception {
        Fence stub = fences.signalledStub();
        assertThat(stub.isSignalled()).isTrue();
        assertThat(stub.status()).isEqualTo(FenceStatus.SIGNALLED);
        assertThat(stub.context()).isZero();
        assertThat(stub.seqno()).isZero();
        assertThat(stub.addCallback(f -> {
            throw new AssertionError("stub ran a callback");
        })).isFalse();
        assertThat(stub.await(0, TimeUnit.SECONDS)).isTrue();
        stub.await();
        assertThat(fences.signalledStub()).isSameAs(stub);
    }

    @Test
    @DisplayName("dma_fence_context_alloc: every new fence source has a context of its own")
    void contextsAreUnique() {
        long a = fences.newFence("a").fence().context();
        long b = fences.newFence("b").fence().context();
        long c = fences.newTimeline("c").context();
        assertThat(List.of(a, b, c)).doesNotHaveDuplicates().doesNotContain(0L);
    }

    @Test
    @DisplayName("race_signal_callback: racing add_callback and signal, each callback runs exactly when it was added")
    void race_signal_callback() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            FenceSignaller s = fences.newFence("race");
            AtomicInteger runs = new AtomicInteger();
            AtomicBoolean added = new AtomicBoolean();
            CountDownLatch go = new CountDownLatch(1);
            Thread adder = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                added.set(s.fence().addCallback(f -> runs.incrementAndGet()));
            });
            go.countDown();
            s.signal();
            adder.join(10_000);
            assertThat(runs.get()).as("round %d", round).isEqualTo(added.get() ? 1 : 0);
        }
    }

    @Test
    @DisplayName("no allocation on signal and wait once a fence exists")
    void signalAndWait_allocateNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 20_000;
        FenceSignaller[] ss = new FenceSignaller[n];
        for (int i = 0; i < n; i++) {
            ss[i] = fences.newFence("alloc");
        }
        // warm up the paths first, so class loading and linkage are not counted
        for (int i = 0; i < n / 2; i++) {
            ss[i].signal();
            ss[i].fence().await();
            ss[i].fence().await(1, TimeUnit.SECONDS);
        }
        long tid = Thread.currentThread().threadId();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = n / 2; i < n; i++) {
            ss[i].signal();
            ss[i].fence().await();
            ss[i].fence().await(1, TimeUnit.SECONDS);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(tid).isPositive();
        // a few bytes of slack for the measuring itself; one object per operation would be >= 160 kB
        assertThat(allocated).as("bytes allocated by %d signal+wait", n / 2).isLessThan(1_000);
    }
}
