package pcmshare.core.api.testdriver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A second driver, written against the SPI only, that watches links: each
 * substream records its triggers and link-changed notifications in an event
 * log (which several cards may share, to see the order across drivers), and a
 * test can make {@link PcmOps#linkChanged} block on a latch, as a loopback
 * driver taking its own lock would. The hardware never moves by itself.
 */
public final class ProbeCard implements SoundCardDriver {
    private final String id;
    private final int substreams;
    private final List<String> log;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;
    private volatile Consumer<Stream> duringLinkChanged;

    /** @param log where the events go, e.g. a synchronized list shared with other cards */
    public ProbeCard(String id, int substreamsPerDirection, List<String> log) {
        this.id = id;
        this.substreams = substreamsPerDirection;
        this.log = log;
    }

    /**
     * The next link-changed notification counts {@code entered} down, then
     * waits for {@code release} (at most 10 s of real time) before it returns.
     */
    public void blockNextLinkChanged(CountDownLatch entered, CountDownLatch release) {
        this.release = release;
        this.entered = entered;
    }

    /** Runs {@code action} inside every link-changed notification (null: nothing). */
    public void duringLinkChanged(Consumer<Stream> action) {
        this.duringLinkChanged = action;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "Probe card " + id;
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        HwConstraints c = HwConstraints.typical();
        return List.of(new PcmDeviceInfo(0, "probe pcm", substreams, substreams, c, c));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        Stream s = new Stream(runtime);
        streams.add(s);
        return s;
    }

    public List<Stream> streams() {
        return List.copyOf(streams);
    }

    public Stream last() {
        return streams.get(streams.size() - 1);
    }

    /** How a log names a substream: card,device,p|c subdevice. */
    public static String name(String cardId, int device, boolean playback, int subdevice) {
        return cardId + "," + device + "," + (playback ? "p" : "c") + subdevice;
    }

    public static String name(SubstreamView s) {
        return name(s.cardId(), s.device(), s.direction() == pcmshare.core.api.pcm.Direction.PLAYBACK, s.subdevice());
    }

    /** One substream's hardware. */
    public final class Stream implements PcmOps {
        private final PcmRuntime runtime;
        private final String name;
        private final List<Set<SubstreamView>> linkChanges = Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> notifiedOn = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean closed;
        private int triggers;

        Stream(PcmRuntime runtime) {
            this.runtime = runtime;
            this.name = ProbeCard.name(runtime.cardId(), runtime.device(),
                    runtime.direction() == pcmshare.core.api.pcm.Direction.PLAYBACK, runtime.subdevice());
        }

        public PcmRuntime runtime() {
            return runtime;
        }

        public String name() {
            return name;
        }

        /** Every set this substream was told, oldest first. */
        public List<Set<SubstreamView>> linkChanges() {
            synchronized (linkChanges) {
                return List.copyOf(linkChanges);
            }
        }

        /** The last set told, or the empty set when never told. */
        public Set<SubstreamView> linkedWith() {
            synchronized (linkChanges) {
                return linkChanges.isEmpty() ? Set.of() : linkChanges.get(linkChanges.size() - 1);
            }
        }

        /** The threads the notifications came on. */
        public List<Thread> notifiedOn() {
            synchronized (notifiedOn) {
                return List.copyOf(notifiedOn);
            }
        }

        public boolean isClosed() {
            return closed;
        }

        @Override
        public void trigger(Trigger command) {
            // logged before taking the driver's lock, so a trigger that overlaps a notification shows in the log
            log.add(name + " " + command);
            synchronized (this) {
                triggers++;
            }
        }

        @Override
        public long pointer() {
            return 0;
        }

        @Override
        public synchronized void linkChanged(Set<SubstreamView> linkedWith) {
            // synchronized like trigger: a driver's own lock, taken in both
            log.add(name + " linkChanged begin");
            notifiedOn.add(Thread.currentThread());
            CountDownLatch in = entered;
            CountDownLatch out = release;
            if (in != null && out != null) {
                entered = null;
                release = null;
                in.countDown();
                try {
                    if (!out.await(10, TimeUnit.SECONDS)) {
                        log.add(name + " linkChanged never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Consumer<Stream> during = duringLinkChanged;
            if (during != null) {
                during.accept(this);
            }
            linkChanges.add(linkedWith);
            log.add(name + " linkChanged end " + linkedWith.stream().map(ProbeCard::name).sorted().toList());
        }

        @Override
        public void close() {
            closed = true;
            log.add(name + " close");
        }
    }
}
