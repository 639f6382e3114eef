package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * Client callbacks cannot hurt the core: period listeners run off the clock
 * thread and outside the stream lock, on their handle's own thread, so a
 * listener that blocks, unlinks or throws stalls and breaks only itself.
 */
class ListenerIsolationTest {

    private static PcmSubstream runningCapture(Rig rig, String cardId) {
        PcmSubstream h = rig.engine.open(cardId, 0, CAPTURE, -1, false);
        h.hwParams(STD);
        h.swParams(h.swParams().withStopThreshold(h.swParams().boundary()));
        h.prepare();
        h.start();
        return h;
    }

    /**
     * snd_pcm_period_elapsed runs in the interrupt path: untrusted code never
     * runs there. One holder's listener that blocks leaves the shared clock
     * thread, another card's hw_ptr and the owner's status() untouched.
     */
    @Test
    void snd_pcm_period_elapsed_blockingListener_stallsOnlyItself_notAnotherCardsHwPtrNorTheOwnersStatus()
            throws Exception {
        try (Rig rig = new Rig()) {
            String otherCard = rig.engine.addCard(new ToyCard("other", HwConstraints.typical(), 1));
            PcmSubstream owner = runningCapture(rig, rig.cardId);
            PcmSubstream other = runningCapture(rig, otherCard);
            PcmSubstream holder = owner.dup();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            holder.addPeriodListener((view, hwPtr) -> {
                entered.countDown();
                awaitUninterruptibly(release);
            });
            try {
                Future<Void> clockThread = rig.inThread(() -> {
                    rig.periods(3);
                    return null;
                });
                assertThat(entered.await(10, TimeUnit.SECONDS)).as("the listener was called").isTrue();
                try {
                    clockThread.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("the clock thread is stuck in a holder's listener", e);
                }
                assertThat(other.status().hwPtr()).as("another card's hw_ptr").isEqualTo(3 * PERIOD);
                PcmState ownerState = Rig.get(rig.inThread(() -> owner.status().state()));
                assertThat(ownerState).isEqualTo(PcmState.RUNNING);
                assertThat(Rig.get(rig.inThread(() -> owner.status().hwPtr()))).isEqualTo(3 * PERIOD);
            } finally {
                release.countDown();
            }
            Rig.awaitListeners(holder);
            holder.close();
            owner.close();
            other.close();
        }
    }

    /**
     * Marking, waking and delivering allocate nothing in steady state: neither the
     * thread that reports periods nor the handle's listener thread.
     */
    @Test
    void periodListener_steadyState_allocatesNothingOnTheClockThreadNorTheListenerThread() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        try (Rig rig = new Rig()) {
            PcmSubstream h = runningCapture(rig, rig.cardId);
            // the toy's own timer makes a one-shot per period: the hardware is moved by hand instead
            ToyCard.Stream hw = rig.hw();
            PcmSubstream[] handles = {h};
            long[] heard = new long[1];
            long[] listenerThread = new long[1];
            h.addPeriodListener((view, hwPtr) -> {
                heard[0] = hwPtr;
                listenerThread[0] = Thread.currentThread().threadId();
            });
            int periods = 10_000;
            long onClock = 0;
            long onListener = 0;
            for (int round = 0; round < 2; round++) {
                // the first round warms up; the second is measured
                hw.advance(PERIOD);
                Rig.awaitListeners(handles);
                long clockBefore = bean.getCurrentThreadAllocatedBytes();
                long listenerBefore = bean.getThreadAllocatedBytes(listenerThread[0]);
                for (int i = 0; i < periods; i++) {
                    hw.advance(PERIOD);
                    Rig.awaitListeners(handles);
                }
                onClock = bean.getCurrentThreadAllocatedBytes() - clockBefore;
                onListener = bean.getThreadAllocatedBytes(listenerThread[0]) - listenerBefore;
            }
            assertThat(heard[0]).isEqualTo(h.status().hwPtr());
            assertThat(onClock).as("bytes on the clock thread for %d periods", periods).isLessThan(periods / 10);
            assertThat(onListener).as("bytes on the listener thread for %d periods", periods).isLessThan(periods / 10);
            h.close();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        for (;;) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
