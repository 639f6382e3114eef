package pcmshare.core.api.impl.fence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.Timeline;

/**
 * In the spirit of the sync selftests' sync_stress_merge and sync_stress_consumer:
 * producers advance timelines while consumers merge random fences of them and
 * wait. Bounded by a deadline and by the timelines' end value.
 */
class FenceStressTest {
    private static final int TIMELINES = 4;
    private static final int PRODUCERS = 2;
    private static final int CONSUMERS = 3;
    private static final long END = 20_000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Fences fences = new CoreFences();

    @Test
    @DisplayName("test_merge_stress_random_merge: every merged fence signals after, and only after, all its parts")
    void test_merge_stress_random_merge() throws Exception {
        List<Timeline> timelines = new ArrayList<>();
        for (int i = 0; i < TIMELINES; i++) {
            timelines.add(fences.newTimeline("stress-" + i));
        }
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Queue<SyncFile> merged = new ConcurrentLinkedQueue<>();
        AtomicInteger waitsWoken = new AtomicInteger();
        AtomicLong callbacksRun = new AtomicLong();
        AtomicLong callbacksAdded = new AtomicLong();

        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            List<Timeline> own = new ArrayList<>();
            for (int i = p; i < TIMELINES; i += PRODUCERS) {
                own.add(timelines.get(i));
            }
            threads.add(Thread.ofPlatform().name("producer-" + p).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                boolean more = true;
                while (more && System.nanoTime() < deadline) {
                    more = false;
                    for (Timeline t : own) {
                        long left = END - t.value();
                        if (left > 0) {
                            t.advance(Math.min(left, 1 + rnd.nextInt(3)));
                            more |= t.value() < END;
                        }
                    }
                    Thread.yield();
                }
            }));
        }
        for (int c = 0; c < CONSUMERS; c++) {
            threads.add(Thread.ofPlatform().name("consumer-" + c).start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline && !allReached(timelines)) {
                    SyncFile a = randomSyncFile(timelines, rnd);
                    SyncFile b = randomSyncFile(timelines, rnd);
                    SyncFile m = a.merge("m", rnd.nextBoolean() ? b : a);
                    Fence mf = m.fence();
                    List<Fence> parts = m.fences();
                    if (mf.addCallback(f -> {
                        callbacksRun.incrementAndGet();
                        check(parts, f, "in the merged fence's callback", failures);
                    })) {
                        callbacksAdded.incrementAndGet();
                    }
                    // sampled while producers run: signalled implies every part signalled
                    if (mf.isSignalled()) {
                        check(parts, mf, "on a sample", failures);
                    }
                    try {
                        long left = deadline - System.nanoTime();
                        if (left > 0 && m.await(left, TimeUnit.NANOSECONDS)) {
                            waitsWoken.incrementAndGet();
                            check(parts, mf, "after waking", failures);
                        }
                    } catch (InterruptedException e) {
                        failures.add("consumer interrupted");
                        return;
                    }
                    merged.add(m);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 5_000));
            assertThat(t.isAlive()).as("%s still running after the deadline", t.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(waitsWoken.get()).as("consumers that woke").isPositive();

        // every part has now been reached (or the deadline cut the run short): close what is left
        for (Timeline t : timelines) {
            t.close();
        }
        for (SyncFile m : merged) {
            assertThat(m.status().isSignalled()).as("%s signalled once all its parts did", m).isTrue();
            check(m.fences(), m.fence(), "at the end", failures);
        }
        assertThat(failures).isEmpty();
        assertThat(merged).isNotEmpty();
        assertThat(callbacksRun.get()).as("callbacks run").isEqualTo(callbacksAdded.get()).isPositive();
    }

    private SyncFile randomSyncFile(List<Timeline> timelines, ThreadLocalRandom rnd) {
        int n = 1 + rnd.nextInt(timelines.size());
        List<Fence> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Timeline t = timelines.get(rnd.nextInt(timelines.size()));
            picked.add(t.createFence(Math.min(END, t.value() + rnd.nextInt(20))));
        }
        return fences.syncFile("random", picked);
    }

    private static boolean allReached(List<Timeline> timelines) {
        for (Timeline t : timelines) {
            if (t.value() < END) {
                return false;
            }
        }
        return true;
    }

    private static void check(List<Fence> parts, Fence merged, String when, Queue<String> failures) {
        long latest = 0;
        for (Fence p : parts) {
            if (!p.isSignalled()) {
                failures.add(merged + " signalled before its part " + p + " (" + when + ")");
                return;
            }
            latest = Math.max(latest, p.timestampNanos());
        }
        if (merged.timestampNanos() < latest) {
            failures.add(merged + " has a timestamp before one of its parts (" + when + ")");
        }
    }
}
