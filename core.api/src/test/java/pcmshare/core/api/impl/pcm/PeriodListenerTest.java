package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.assertRefused;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * The period hook: told after hw_ptr moves on each period, and of each stop, on
 * the registering handle's own thread (so the tests wait for it to have heard).
 */
class PeriodListenerTest {

    private static class Recorder implements PeriodListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void periodElapsed(SubstreamView substream, long hwPtr) {
            // hw_ptr was updated before the listener was told
            events.add("period " + hwPtr + (substream.hwPtr() >= hwPtr ? "" : " ahead of " + substream.hwPtr()));
        }

        @Override
        public void stopped(SubstreamView substream, PcmState state) {
            events.add("stopped " + state);
        }
    }

    @Test
    void periodListener_toldOfEachPeriodAfterHwPtrUpdate_andOfStops() {
        try (Rig rig = new Rig()) {
            Substream s = rig.running(Direction.CAPTURE, 0);
            Recorder r = new Recorder();
            s.addPeriodListener(r);
            s.addPeriodListener(r);
            rig.periods(1);
            Rig.awaitListeners(s);
            rig.periods(1);
            Rig.awaitListeners(s);
            s.drop();
            Rig.awaitListeners(s);
            assertThat(r.events).containsExactly("period 16", "period 32", "stopped SETUP");
            assertThat(s.removePeriodListener(r)).isTrue();
            assertThat(s.removePeriodListener(r)).isFalse();
            s.prepare();
            s.start();
            rig.periods(1);
            Rig.awaitListeners(s);
            assertThat(r.events).hasSize(3);
            s.close();
        }
    }

    @Test
    void periodListener_xrunIsAStopNotAPeriod_andAThrowingListenerIsIgnored() {
        try (Rig rig = new Rig()) {
            Substream s = rig.running(Direction.CAPTURE, 0);
            Recorder r = new Recorder();
            s.addPeriodListener((sub, hw) -> {
                throw new IllegalStateException("broken listener");
            });
            s.addPeriodListener(r);
            for (int i = 0; i <= Rig.PERIODS; i++) {
                rig.periods(1);
                Rig.awaitListeners(s);
            }
            assertThat(s.state()).isEqualTo(PcmState.XRUN);
            assertThat(r.events).last().isEqualTo("stopped XRUN");
            assertThat(r.events).filteredOn(e -> e.startsWith("period")).hasSize(Rig.PERIODS - 1);
            s.close();
        }
    }

    /**
     * A listener still busy when periods elapse hears them as one call with the
     * newest hw_ptr; stops are never merged, and each run's periods come before its stop.
     */
    @Test
    void periodListener_busyListener_periodsCoalesceIntoTheNewestHwPtr_stopsKeepTheirPlace() throws Exception {
        try (Rig rig = new Rig()) {
            Substream s = rig.running(Direction.CAPTURE, 0);
            java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            Recorder r = new Recorder() {
                @Override
                public void periodElapsed(SubstreamView substream, long hwPtr) {
                    events.add("period " + hwPtr);
                    entered.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            s.addPeriodListener(r);
            rig.periods(1);
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            rig.periods(2);
            s.drop();
            s.prepare();
            s.start();
            rig.periods(1);
            gate.countDown();
            Rig.awaitListeners(s);
            assertThat(r.events).containsExactly("period 16", "period 48", "stopped SETUP", "period 16");
            s.close();
        }
    }

    @Test
    void periodListener_refusedOnAClosedOrDisconnectedSubstream() {
        try (Rig rig = new Rig()) {
            Substream s = rig.setup(Direction.CAPTURE);
            Recorder r = new Recorder();
            s.addPeriodListener(r);
            rig.engine.removeCard(rig.card);
            Rig.awaitListeners(s);
            assertThat(r.events).containsExactly("stopped DISCONNECTED");
            assertRefused(Errno.EBADFD, () -> s.addPeriodListener(new Recorder()));
            s.close();
            assertRefused(Errno.EBADF, () -> s.addPeriodListener(new Recorder()));
            assertRefused(Errno.EINVAL, () -> s.addPeriodListener(null));
            assertThat(s.removePeriodListener(r)).isTrue();
        }
    }
}
