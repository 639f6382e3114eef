package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmSubstream;

/**
 * The lock order written down in {@link SubstreamGroup} holds also when client
 * code calls back into the core: the JVM's deadlock detector finds nothing.
 */
class LockOrderTest {

    private static PcmSubstream runningCapture(Rig rig, String cardId) {
        PcmSubstream h = rig.engine.open(cardId, 0, CAPTURE, -1, false);
        h.hwParams(STD);
        h.swParams(h.swParams().withStopThreshold(h.swParams().boundary()));
        h.prepare();
        h.start();
        return h;
    }

    /**
     * snd_pcm_link_rwsem comes before every group and stream lock, also for a
     * listener that unlinks while another thread links: the listener runs with no
     * core lock held, so neither waits for the other (it used to run under the
     * group and stream locks, and its unlink either deadlocked with the link or
     * moved the substream out of the group whose lock the period path held). The
     * JVM's deadlock detector watches a bounded number of rounds.
     */
    @Test
    void snd_pcm_link_rwsem_listenerUnlinkingWhileAnotherThreadLinks_noDeadlock() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Rig rig = new Rig()) {
            PcmSubstream a = runningCapture(rig, rig.cardId);
            PcmSubstream b = runningCapture(rig, rig.cardId);
            a.addPeriodListener((view, hwPtr) -> {
                try {
                    a.unlink();
                } catch (ErrnoException notLinked) {
                    // EALREADY when the linker has not linked yet this round
                }
            });
            for (int round = 0; round < 200; round++) {
                Future<Void> linker = rig.inThread(() -> {
                    try {
                        a.link(b);
                    } catch (ErrnoException alreadyLinked) {
                        // EALREADY: the listener has not unlinked the last round's link yet
                    }
                    return null;
                });
                Future<Void> clock = rig.inThread(() -> {
                    rig.periods(1);
                    return null;
                });
                try {
                    linker.get(10, TimeUnit.SECONDS);
                    clock.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + round + " did not finish; deadlocked: "
                            + describe(mx, mx.findDeadlockedThreads()), e);
                }
                assertThat(mx.findDeadlockedThreads()).as("deadlocked threads in round %d", round).isNull();
            }
            Rig.awaitListeners(a);
            assertThat(mx.findDeadlockedThreads()).isNull();
            a.close();
            b.close();
        }
    }

    private static String describe(ThreadMXBean mx, long[] ids) {
        if (ids == null) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        for (ThreadInfo ti : mx.getThreadInfo(ids, true, true)) {
            out.add(ti.getThreadName() + " waits for " + ti.getLockName() + " held by " + ti.getLockOwnerName());
        }
        return out.toString();
    }

}
