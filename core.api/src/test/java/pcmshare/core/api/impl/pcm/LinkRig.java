package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.STD;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.testdriver.ProbeCard;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * A core on a manual clock with three cards from two drivers: toy cards
 * "toy" and "toy2" (the latter 250 ppm fast) and a probe card "probe" that
 * records triggers and link notifications in {@link #log}. Four substreams
 * per direction each; the standard setup of {@link Rig}.
 */
final class LinkRig implements AutoCloseable {
    final ManualClock clock = new ManualClock(1_000_000_000L);
    final PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final ToyCard toy = new ToyCard("toy", HwConstraints.typical(), 4);
    final ToyCard toy2 = new ToyCard("toy2", HwConstraints.typical(), 4, 250);
    final ProbeCard probe = new ProbeCard("probe", 4, log);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "link-caller");
        t.setDaemon(true);
        return t;
    });

    LinkRig() {
        engine.addCard(toy);
        engine.addCard(toy2);
        engine.addCard(probe);
    }

    Substream open(String card, Direction d) {
        return SubstreamHandle.substreamOf(engine.open(card, 0, d, -1, false));
    }

    Substream setup(String card, Direction d) {
        Substream s = open(card, d);
        s.hwParams(STD);
        return s;
    }

    Substream prepared(String card, Direction d) {
        Substream s = setup(card, d);
        s.prepare();
        return s;
    }

    /** Prepared; a playback one may start with nothing queued and never underruns (stop_threshold = boundary). */
    Substream preparedFree(String card, Direction d) {
        Substream s = setup(card, d);
        if (d == Direction.PLAYBACK) {
            s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        }
        s.prepare();
        return s;
    }

    /** Prepared playback with {@code queued} frames written and a start threshold write cannot reach. */
    Substream preparedWith(String card, long queued) {
        Substream s = setup(card, Direction.PLAYBACK);
        s.swParams(s.swParams().withStartThreshold(BUFFER + 1));
        s.prepare();
        Rig.write(s, queued);
        return s;
    }

    <T> Future<T> inThread(Callable<T> call) {
        return threads.submit(call);
    }

    /** Spins (no sleep) until {@code condition} holds, or fails after 10 s of real time. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** The log entries containing {@code part}, in order. */
    List<String> logged(String part) {
        synchronized (log) {
            return log.stream().filter(e -> e.contains(part)).toList();
        }
    }

    int indexOf(String entry) {
        synchronized (log) {
            return log.indexOf(entry);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
