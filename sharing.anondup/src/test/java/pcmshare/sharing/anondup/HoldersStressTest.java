package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.sharing.anondup.Rig.PERIOD;
import static pcmshare.sharing.anondup.Rig.STD;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.memory.LiveMemory;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.sharing.anondup.Preset;

/**
 * Eight hostile holders close, revoke, release, resize, seal, link and unlink
 * concurrently with the owner's I/O, for a bounded count of operations each. The
 * owner sees no fault of any kind; the holders see only refusals (ErrnoException);
 * afterwards descriptors, live buffers and threads are back to their baseline.
 */
class HoldersStressTest {
    private static final int HOLDERS = 8;
    private static final int OPERATIONS = 400;
    private static final long SEED = 0x4017_5eedL;
    private static final String THREAD_PREFIX = "hostile-holder-";
    private static final String LISTENER_THREADS = "pcmshare listeners";
    private static final Preset[] PRESETS = { Preset.MONITOR, Preset.BUFFER, Preset.FULL };
    private static final MemfdFactory MEMFDS = Allocators.memfdFactory();

    private final Queue faults = new Queue();

    /** Throwables nobody may see, with the operation that raised them. */
    private static final class Queue extends ConcurrentLinkedQueue<String> {
        void add(String who, Throwable t) {
            add(who + ": " + t);
        }
    }

    @Test
    void hostileHolders_neverFaultTheOwner_andLeaveNothingBehind() throws Exception {
        round(40); // loads every class and opens every jar the round needs, so the baseline is steady
        long fds = openFds();
        int buffers = LiveMemory.count();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();

        round(OPERATIONS);

        assertThat(faults).as("faults seen by the owner or the holders").isEmpty();
        awaitNoListenerThreads();
        assertThat(LiveMemory.count()).as("live buffers").isEqualTo(buffers);
        assertThat(openFds()).as("open descriptors in /proc/self/fd").isEqualTo(fds);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(THREAD_PREFIX));
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("threads").isLessThanOrEqualTo(threads);
    }

    /**
     * A handle's listener thread ends once its listeners are gone and have heard their
     * last event; the closes of the round are done, so only that delivery is left.
     */
    private static void awaitNoListenerThreads() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(LISTENER_THREADS))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("listener threads left: " + Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith(LISTENER_THREADS)).toList());
            }
            Thread.onSpinWait();
        }
    }

    private void round(int operations) throws InterruptedException {
        Rig rig = new Rig();
        PcmSubstream owner = running(rig, 0);
        PcmSubstream partner = running(rig, 1);
        HandCard.Stream hw = rig.card.streams.get(0);
        PcmMapping ownerMapping = owner.map();
        AtomicReferenceArray<PcmSubstream> dups = new AtomicReferenceArray<>(HOLDERS);
        AtomicBoolean holdersDone = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch roundOver = new CountDownLatch(1);

        Thread ownerThread = Thread.ofPlatform().name(THREAD_PREFIX + "owner").start(() -> {
            try {
                start.await();
                long sum = 0;
                while (!holdersDone.get()) {
                    MmapArea a = owner.mmapBegin(PERIOD);
                    a.buffer().asSlice(a.byteOffset(0, a.offset()), a.frames() * STD.frameBytes()).fill((byte) 1);
                    owner.mmapCommit(a.offset(), a.frames());
                    hw.advance(PERIOD);
                    owner.status();
                    MemorySegment ring = ownerMapping.memory().segment();
                    for (long i = 0; i < ring.byteSize(); i += 64) {
                        sum += ring.get(ValueLayout.JAVA_BYTE, i);
                    }
                }
                assertThat(sum).isNotNegative();
            } catch (Throwable t) {
                faults.add("owner", t);
            }
        });
        List<Thread> holders = new ArrayList<>();
        for (int i = 0; i < HOLDERS; i++) {
            SplittableRandom random = new SplittableRandom(SEED + i);
            holders.add(Thread.ofPlatform().name(THREAD_PREFIX + i).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < operations; n++) {
                    try {
                        operate(rig, owner, partner, dups, random, roundOver);
                    } catch (ErrnoException refused) {
                        // a refusal is what a holder may get
                    } catch (Throwable t) {
                        faults.add(Thread.currentThread().getName(), t);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : holders) {
            t.join();
        }
        holdersDone.set(true);
        ownerThread.join();
        roundOver.countDown();
        for (int i = 0; i < HOLDERS; i++) {
            PcmSubstream d = dups.getAndSet(i, null);
            if (d != null) {
                d.close();
            }
        }
        ownerMapping.close();
        owner.close();
        partner.close();
    }

    private static PcmSubstream running(Rig rig, int subdevice) {
        PcmSubstream s = rig.engine.open(rig.cardId, 0, Direction.PLAYBACK, subdevice, false);
        s.hwParams(STD.withAccess(pcmshare.core.api.pcm.Access.MMAP_INTERLEAVED));
        // an owner slower than its hardware underruns but keeps running: only holders are under test
        s.swParams(s.swParams().withStopThreshold(s.swParams().boundary()));
        s.prepare();
        s.start();
        return s;
    }

    /** One hostile operation: replace a shared dup (closing or revoking the old one) or use one. */
    private static void operate(Rig rig, PcmSubstream owner, PcmSubstream partner,
            AtomicReferenceArray<PcmSubstream> dups, SplittableRandom random, CountDownLatch roundOver) {
        int slot = random.nextInt(HOLDERS);
        switch (random.nextInt(9)) {
            case 0 -> {
                PcmSubstream old = dups.getAndSet(slot,
                        rig.backend.dup(owner, PRESETS[random.nextInt(PRESETS.length)], "holder"));
                if (old != null) {
                    if (random.nextBoolean()) {
                        rig.backend.revoke(owner, old);
                    } else {
                        old.close();
                    }
                }
            }
            case 1 -> use(dups.get(slot), d -> {
                PcmMapping m = d.map();
                try {
                    m.memory().segment().get(ValueLayout.JAVA_BYTE, 0);
                    m.memory().release();
                    m.memory().release();
                } finally {
                    m.close();
                    m.close();
                }
            });
            case 2 -> use(dups.get(slot), d -> {
                try (PcmMapping m = d.map()) {
                    Memfd fd = m.memory().memfd().orElse(null);
                    if (fd != null) {
                        fd.resize(random.nextBoolean() ? 0 : 1 << 20);
                    }
                }
            });
            case 3 -> use(dups.get(slot), d -> {
                try (PcmMapping m = d.map()) {
                    Memfd fd = m.memory().memfd().orElse(null);
                    if (fd != null) {
                        fd.addSeals(1 << random.nextInt(6));
                    }
                }
            });
            case 4 -> use(dups.get(slot), d -> {
                if (random.nextBoolean()) {
                    d.link(partner);
                } else {
                    d.unlink();
                }
            });
            case 5 -> use(dups.get(slot), d -> d.addPeriodListener(hostileListener(d, random.nextInt(4), roundOver)));
            case 6 -> use(dups.get(slot), d -> {
                d.status();
                d.avail();
                d.hwParams();
            });
            case 7 -> use(dups.get(slot), d -> {
                PcmSubstream sub = rig.backend.dup(d, Preset.BUFFER, "sub-holder");
                if (random.nextBoolean()) {
                    sub.close();
                } else {
                    rig.backend.revoke(owner, sub);
                }
            });
            default -> memfdRace(random);
        }
    }

    /**
     * A listener that reads, throws an Error, blocks until the round is over, or
     * unlinks its dup: none of it may reach the owner, whose I/O paces the clock.
     */
    private static PeriodListener hostileListener(PcmSubstream d, int kind, CountDownLatch roundOver) {
        return new PeriodListener() {
            @Override
            public void periodElapsed(pcmshare.core.api.pcm.SubstreamView substream, long hwPtr) {
                switch (kind) {
                    case 0 -> substream.hwParams();
                    case 1 -> throw new AssertionError("a hostile listener's Error");
                    case 2 -> {
                        try {
                            roundOver.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    default -> d.unlink();
                }
            }

            @Override
            public String toString() {
                return "hostile listener " + kind;
            }
        };
    }

    /** A memfd of the holder's own, shrunk under its mapping by a dup and closed in any order. */
    private static void memfdRace(SplittableRandom random) {
        Memfd fd = MEMFDS.create("stress", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        Memfd other = null;
        try {
            fd.resize(8192);
            other = random.nextBoolean() ? fd.dup() : fd.reopen(Access.READ_WRITE);
            try (MemfdMapping m = fd.map(Access.READ_ONLY)) {
                try {
                    other.resize(random.nextInt(8192));
                } catch (ErrnoException busy) {
                    // never under a live mapping
                }
                m.segment().get(ValueLayout.JAVA_BYTE, 8191);
            }
        } finally {
            if (random.nextBoolean()) {
                fd.close();
                if (other != null) {
                    other.close();
                }
            } else {
                if (other != null) {
                    other.close();
                }
                fd.close();
            }
        }
    }

    private interface Use {
        void on(PcmSubstream dup);
    }

    private static void use(PcmSubstream dup, Use use) {
        if (dup != null) {
            use.on(dup);
        }
    }

    private static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1; // no procfs: nothing to compare
        }
    }
}
