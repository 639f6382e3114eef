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

/** The period hook: told after hw_ptr moves on each period, and of each stop. */
class PeriodListenerTest {

    private static final class Recorder implements PeriodListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void periodElapsed(SubstreamView substream, long hwPtr) {
            // hw_ptr is already updated when the listener runs
            events.add("period " + hwPtr + "/" + substream.hwPtr());
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
            rig.periods(2);
            s.drop();
            assertThat(r.events).containsExactly("period 16/16", "period 32/32", "stopped SETUP");
            assertThat(s.removePeriodListener(r)).isTrue();
            assertThat(s.removePeriodListener(r)).isFalse();
            s.prepare();
            s.start();
            rig.periods(1);
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
            rig.periods(Rig.PERIODS + 1);
            assertThat(s.state()).isEqualTo(PcmState.XRUN);
            assertThat(r.events).last().isEqualTo("stopped XRUN");
            assertThat(r.events).filteredOn(e -> e.startsWith("period")).hasSize(Rig.PERIODS - 1);
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
            assertThat(r.events).containsExactly("stopped DISCONNECTED");
            assertRefused(Errno.EBADFD, () -> s.addPeriodListener(new Recorder()));
            s.close();
            assertRefused(Errno.EBADF, () -> s.addPeriodListener(new Recorder()));
            assertRefused(Errno.EINVAL, () -> s.addPeriodListener(null));
            assertThat(s.removePeriodListener(r)).isTrue();
        }
    }
}
