package pcmshare.driver.dummy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A dummy sound card (the kernel's snd-dummy): {@code pcmDevs} PCM devices with
 * timer-paced substreams and no hardware. All substreams of the card are served
 * by one {@link CardTimer} on the card's clock, which the core hands over in
 * each substream's {@link PcmRuntime#clock()} (the core's clock with the card's
 * skew). Usable without OSGi: {@link DummyCardComponent} wraps one per
 * configuration.
 */
public final class DummyCard implements SoundCardDriver {
    private final DummySettings settings;
    private final List<PcmDeviceInfo> devices;
    /** One timer per clock; a card registered with one core has exactly one. */
    private final Map<Clock, CardTimer> timers = new IdentityHashMap<>();
    private final Set<DummyStream> open = new CopyOnWriteArraySet<>();
    private volatile boolean shutdown;

    public DummyCard(DummySettings settings) {
        this.settings = settings;
        HwConstraints c = settings.constraints();
        List<PcmDeviceInfo> list = new ArrayList<>();
        for (int d = 0; d < settings.pcmDevs(); d++) {
            list.add(new PcmDeviceInfo(d, settings.name() + " PCM " + d, settings.playbackSubstreams(),
                    settings.captureSubstreams(), c, c));
        }
        this.devices = List.copyOf(list);
    }

    public DummySettings settings() {
        return settings;
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return devices;
    }

    @Override
    public long clockSkewPpm() {
        return settings.skewPpm();
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        if (shutdown) {
            throw new ErrnoException(Errno.ENODEV, "open", "SHUTDOWN", settings.id(),
                    "dummy card " + settings.id() + " is going away");
        }
        DummyStream s = new DummyStream(this, runtime, settings, timerFor(runtime.clock()));
        open.add(s);
        return s;
    }

    private CardTimer timerFor(Clock clock) {
        synchronized (timers) {
            return timers.computeIfAbsent(clock, c -> new CardTimer(c, settings.timerSlackMicros() * 1_000L));
        }
    }

    void closed(DummyStream s) {
        open.remove(s);
    }

    /** Stops every timer; substreams still open on a core stop moving. */
    public void shutdown() {
        shutdown = true;
        for (DummyStream s : open) {
            s.abandon();
        }
        open.clear();
        synchronized (timers) {
            timers.values().forEach(CardTimer::stopAll);
            timers.clear();
        }
    }

    /** Substreams open now. */
    public int openSubstreams() {
        return open.size();
    }

    /** Substreams running now (queued on the card's timer). */
    public int runningSubstreams() {
        synchronized (timers) {
            return timers.values().stream().mapToInt(CardTimer::running).sum();
        }
    }

    /** How many times the card's timer fired. */
    public long timerFirings() {
        synchronized (timers) {
            return timers.values().stream().mapToLong(CardTimer::firings).sum();
        }
    }

    List<DummyStream> streams() {
        return List.copyOf(open);
    }

    @Override
    public String toString() {
        return "DummyCard[" + settings.id() + ", " + settings.timerMode() + "]";
    }
}
