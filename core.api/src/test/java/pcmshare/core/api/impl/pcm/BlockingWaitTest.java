package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.awaitWaiter;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;

/** The blocking path: sleepers park on their own thread, woken by periods, state changes and interrupts. */
class BlockingWaitTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 2_000;

    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void waitAvail_wokenByPeriodElapsed_allocatesNothing() throws Exception {
        assertThat(bytesPerBlockedWait(-1)).isLessThan(8);
    }

    @Test
    void waitAvail_timedWaitWokenByPeriodElapsed_allocatesNothing() throws Exception {
        assertThat(bytesPerBlockedWait(TimeUnit.SECONDS.toNanos(10))).isLessThan(8);
    }

    /**
     * A capture reader blocks in waitAvail once per period, the clock moves on
     * by one period once it sleeps; returns what the reader allocated per wait
     * after a warm-up. A Condition-based sleep allocated a node (32 B or more)
     * per wait, a timed one a timer too; a stray contended lock may add a node
     * now and then.
     */
    private long bytesPerBlockedWait(long timeoutNanos) throws Exception {
        Substream s = rig.running(Direction.CAPTURE, 0);
        MemorySegment dst = Rig.frames(PERIOD, 0);
        AtomicInteger done = new AtomicInteger();
        CompletableFuture<Long> allocated = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("blocked-reader").daemon().start(() -> {
            try {
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory
                        .getThreadMXBean();
                long before = 0;
                for (int i = 0; i < WARM_UP + MEASURED; i++) {
                    if (i == WARM_UP) {
                        before = mx.getCurrentThreadAllocatedBytes();
                    }
                    if (!s.waitAvail(timeoutNanos)) {
                        throw new AssertionError("waitAvail gave up at " + i);
                    }
                    s.read(dst, PERIOD);
                    done.incrementAndGet();
                }
                allocated.complete(mx.getCurrentThreadAllocatedBytes() - before);
            } catch (Throwable e) {
                allocated.completeExceptionally(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            while (done.get() < i) {
                if (allocated.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("the reader stopped at " + done.get() + ": " + allocated);
                }
                Thread.onSpinWait();
            }
            awaitWaiter(s);
            rig.periods(1);
        }
        long bytes = allocated.get(10, TimeUnit.SECONDS);
        reader.join(10_000);
        assertThat(s.state()).isEqualTo(PcmState.RUNNING);
        return bytes / MEASURED;
    }

    @Test
    void write_interruptedWhileBlocked_isEINTRKeepingTheInterruptStatus() throws Exception {
        Substream s = rig.running(Direction.PLAYBACK, BUFFER);
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread writer = Thread.ofPlatform().name("blocked-writer").daemon().start(() -> {
            try {
                Rig.write(s, PERIOD);
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        awaitWaiter(s);
        writer.interrupt();
        Throwable e = failure.get(10, TimeUnit.SECONDS);
        assertThat(e).isInstanceOf(ErrnoException.class);
        assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EINTR);
        assertThat(stillInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(s.waiters()).isZero();
        // nothing else moved: the stream runs on and a new writer is woken by the next period
        assertThat(s.state()).isEqualTo(PcmState.RUNNING);
        var next = rig.inThread(() -> Rig.write(s, PERIOD));
        awaitWaiter(s);
        rig.periods(1);
        assertThat(Rig.get(next)).isEqualTo(PERIOD);
    }

    @Test
    void write_interruptedBeforeBlocking_isEINTRAtOnce() throws Exception {
        Substream s = rig.running(Direction.PLAYBACK, BUFFER);
        var result = rig.inThread(() -> {
            Thread.currentThread().interrupt();
            try {
                Rig.write(s, PERIOD);
                return null;
            } catch (ErrnoException e) {
                return e.errno() + " " + Thread.interrupted();
            }
        });
        assertThat(Rig.get(result)).isEqualTo("EINTR true");
        assertThat(s.waiters()).isZero();
    }

    @Test
    void waitAvail_spuriousWakeUp_keepsWaitingUntilAvailMin() throws Exception {
        Substream s = rig.running(Direction.CAPTURE, 0);
        CompletableFuture<Thread> who = new CompletableFuture<>();
        var waited = rig.inThread(() -> {
            who.complete(Thread.currentThread());
            return s.waitAvail(-1);
        });
        Thread waiter = who.get(10, TimeUnit.SECONDS);
        awaitWaiter(s);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 100; i++) {
            LockSupport.unpark(waiter);
            // back asleep: parked again and still counted as a waiter
            while (waiter.getState() != Thread.State.WAITING || s.waiters() == 0) {
                assertThat(System.nanoTime()).as("the waiter went back to sleep").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(waited).isNotDone();
        }
        rig.periods(1);
        assertThat(Rig.get(waited)).isTrue();
    }

    @Test
    void drop_wakesEveryWaiterTimedOrNot_withEBADFD() throws Exception {
        Substream s = rig.running(Direction.CAPTURE, 0);
        var a = rig.inThread(() -> s.waitAvail(-1));
        var b = rig.inThread(() -> s.waitAvail(TimeUnit.SECONDS.toNanos(10)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.waiters() < 2) {
            assertThat(System.nanoTime()).as("two waiters").isLessThan(deadline);
            Thread.onSpinWait();
        }
        s.drop();
        assertThat(Rig.refused(() -> Rig.get(a)).errno()).isEqualTo(Errno.EBADFD);
        assertThat(Rig.refused(() -> Rig.get(b)).errno()).isEqualTo(Errno.EBADFD);
        assertThat(s.waiters()).isZero();
    }
}
