package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.pcm.Direction.CAPTURE;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.testdriver.ToyCard;

/** Whatever a period listener throws, the core finishes its own work and reports it. */
class ListenerFailureTest {

    /** An Error, as a broken listener may throw: not a RuntimeException. */
    private static final class ListenerError extends Error {
        ListenerError(String message) {
            super(message);
        }
    }

    private static final class ThrowingOnStop implements PeriodListener {
        @Override
        public void periodElapsed(SubstreamView substream, long hwPtr) {
        }

        @Override
        public void stopped(SubstreamView substream, PcmState state) {
            throw new ListenerError("broken on stop");
        }

        @Override
        public String toString() {
            return "exploding-listener";
        }
    }

    /**
     * snd_pcm_action_group: pre, do and post run for every member. A listener
     * that throws an Error on the stop of one member leaves no member RUNNING
     * with its driver stopped; what it threw is logged, naming it and the substream.
     */
    @Test
    void snd_pcm_action_group_stopWithAListenerThrowingAnError_stopsEveryMember_andReportsIt() throws Exception {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(2);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() instanceof ListenerError) {
                    records.add(r);
                    reported.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("pcmshare.core.api");
        log.addHandler(capture);
        try (Rig rig = new Rig()) {
            Substream a = rig.prepared(CAPTURE);
            ToyCard.Stream ha = rig.hw();
            Substream b = rig.prepared(CAPTURE);
            ToyCard.Stream hb = rig.hw();
            a.link(b);
            a.start();
            a.addPeriodListener(new ThrowingOnStop());
            b.addPeriodListener(new ThrowingOnStop());

            Throwable thrown = null;
            try {
                a.drop();
            } catch (Throwable t) {
                thrown = t;
            }

            assertThat(thrown).as("drop itself succeeds").isNull();
            assertThat(Arrays.asList(a.state(), b.state())).containsExactly(PcmState.SETUP, PcmState.SETUP);
            assertThat(ha.isRunning()).isFalse();
            assertThat(hb.isRunning()).isFalse();
            assertThat(reported.await(10, TimeUnit.SECONDS)).as("both throwables reported").isTrue();
            assertThat(records).allSatisfy(r -> assertThat(r.getMessage()).contains("exploding-listener")
                    .contains("stopped"));
            assertThat(records).anySatisfy(r -> assertThat(r.getMessage()).contains(a.name()));
            assertThat(records).anySatisfy(r -> assertThat(r.getMessage()).contains(b.name()));
            // the group works on: start and stop again
            a.prepare();
            a.start();
            assertThat(b.state()).isEqualTo(PcmState.RUNNING);
            a.drop();
            a.close();
            b.close();
        } finally {
            log.removeHandler(capture);
        }
    }


    /** A listener that throws on every period is reported at its 1st, 2nd, 4th, 8th... failure: it cannot flood the log. */
    @Test
    void periodListener_throwingOnEveryPeriod_isReportedAtPowersOfTwo() {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() instanceof ListenerError) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("pcmshare.core.api");
        log.addHandler(capture);
        try (Rig rig = new Rig()) {
            Substream s = rig.running(CAPTURE, 0);
            s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
            s.addPeriodListener((view, hwPtr) -> {
                throw new ListenerError("every period");
            });
            for (int i = 0; i < 9; i++) {
                rig.periods(1);
                Rig.awaitListeners(s);
            }
            assertThat(records).extracting(LogRecord::getMessage)
                    .hasSize(4)
                    .allSatisfy(m -> assertThat(m).contains(s.name()).contains("periodElapsed"))
                    .anySatisfy(m -> assertThat(m).contains("failure 8"));
            s.close();
        } finally {
            log.removeHandler(capture);
        }
    }
}
