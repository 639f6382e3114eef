package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.testdriver.ProbeCard;

/**
 * link, unlink, start, stop and prepare from many threads at once, on
 * substreams of three cards and two drivers. Bounded in rounds and in real
 * time; a round that does not finish in time is a deadlock.
 */
class LinkStressTest {
    private static final int THREADS = 6;
    private static final int MAX_ROUNDS = 300;
    private static final int OPS_PER_ROUND = 40;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long ROUND_TIMEOUT_SECONDS = 20;

    private final LinkRig rig = new LinkRig();
    private final ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "link-stress");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() {
        workers.shutdownNow();
        rig.close();
    }

    @Test
    void linkUnlinkStartStop_fromManyThreads_groupsStayWholeInOneStateAndNothingDeadlocks() throws Exception {
        List<Substream> all = new ArrayList<>();
        for (String card : List.of("toy", "toy2", "probe")) {
            all.add(rig.preparedFree(card, CAPTURE));
            all.add(rig.preparedFree(card, CAPTURE));
            all.add(rig.preparedFree(card, PLAYBACK));
        }
        AtomicInteger links = new AtomicInteger();
        AtomicInteger unlinks = new AtomicInteger();
        AtomicInteger groupStarts = new AtomicInteger();
        long seed = System.nanoTime();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        int rounds = 0;
        for (; rounds < MAX_ROUNDS && System.nanoTime() < deadline; rounds++) {
            List<Future<?>> round = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(seed + rounds * 31L + t);
                round.add(workers.submit(() -> {
                    for (int i = 0; i < OPS_PER_ROUND; i++) {
                        Substream a = all.get(random.nextInt(all.size()));
                        Substream b = all.get(random.nextInt(all.size()));
                        try {
                            switch (random.nextInt(6)) {
                                case 0, 1 -> {
                                    a.link(b);
                                    links.incrementAndGet();
                                }
                                case 2 -> {
                                    a.unlink();
                                    unlinks.incrementAndGet();
                                }
                                case 3 -> {
                                    a.start();
                                    if (a.group().size() > 1) {
                                        groupStarts.incrementAndGet();
                                    }
                                }
                                case 4 -> a.drop();
                                default -> a.prepare();
                            }
                        } catch (ErrnoException refused) {
                            // EBADFD, EALREADY, EINVAL, EBUSY: the rules said no, which is fine here
                        }
                    }
                }));
            }
            for (Future<?> f : round) {
                try {
                    f.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + rounds + " (seed " + seed + ") did not finish: deadlock?\n"
                            + threadDump());
                }
            }
            assertInvariants(all, "round " + rounds + " (seed " + seed + ")");
        }
        assertThat(rounds).isPositive();
        // the race was real: links formed and broke, and groups started as a whole
        assertThat(links.get()).as("links").isPositive();
        assertThat(unlinks.get()).as("unlinks").isPositive();
        assertThat(groupStarts.get()).as("group starts").isPositive();
    }

    private void assertInvariants(List<Substream> all, String when) {
        Map<SubstreamGroup, Boolean> groups = new IdentityHashMap<>();
        int members = 0;
        for (Substream s : all) {
            SubstreamGroup g = s.group();
            assertThat(g.members()).as(when + ": " + s + " is a member of its own group").contains(s);
            if (groups.put(g, Boolean.TRUE) == null) {
                members += g.size();
            }
        }
        // every member points back at the group that lists it: nobody is in two groups, nobody is lost
        assertThat(members).as(when + ": members over all groups").isEqualTo(all.size());
        for (SubstreamGroup g : groups.keySet()) {
            Substream[] ms = g.members();
            PcmState state = ms[0].state();
            for (Substream m : ms) {
                assertThat(m.group()).as(when + ": " + m + " belongs to " + g).isSameAs(g);
                assertThat(m.state()).as(when + ": every member of " + g + " in one state").isEqualTo(state);
                Set<SubstreamView> others = new LinkedHashSet<>();
                for (Substream o : ms) {
                    if (o != m) {
                        others.add(o.view());
                    }
                }
                assertThat(m.linkedWith()).as(when + ": linkedWith of " + m).containsExactlyElementsOf(others);
            }
            long[] serials = Arrays.stream(ms).mapToLong(m -> m.serial).toArray();
            long[] sorted = serials.clone();
            Arrays.sort(sorted);
            assertThat(serials).as(when + ": members in serial order").containsExactly(sorted);
        }
        // the drivers were told the truth: the last set a probe substream heard is its group
        for (Substream s : all) {
            if (!s.cardId().equals("probe")) {
                continue;
            }
            ProbeCard.Stream hw = probeStream(s);
            List<String> told = hw.linkedWith().stream().map(ProbeCard::name).sorted().toList();
            List<String> actual = new ArrayList<>();
            for (SubstreamView o : s.linkedWith()) {
                actual.add(ProbeCard.name(o.cardId(), o.device(), o.direction() == PLAYBACK, o.subdevice()));
            }
            Collections.sort(actual);
            assertThat(told).as(when + ": what the probe driver of " + s + " was told").isEqualTo(actual);
        }
    }

    private ProbeCard.Stream probeStream(Substream s) {
        for (ProbeCard.Stream hw : rig.probe.streams()) {
            if (hw.runtime().subdevice() == s.subdevice() && hw.runtime().direction() == s.direction()) {
                return hw;
            }
        }
        throw new AssertionError("no probe stream for " + s);
    }

    private static String threadDump() {
        StringBuilder out = new StringBuilder();
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        out.append("deadlocked threads: ").append(deadlocked == null ? "none" : Arrays.toString(deadlocked)).append('\n');
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append(t);
        }
        return out.toString();
    }
}
