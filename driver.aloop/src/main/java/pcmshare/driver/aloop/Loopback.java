package pcmshare.driver.aloop;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A loopback card (snd-aloop): two PCM devices with N substreams each way;
 * playback device d substream s and capture device d^1 substream s are the two
 * ends of one {@link Cable}.
 *
 * <p>What paces a cable, first that applies: the configured timer source card
 * while it is present (matched by id or name, never by index); else the clock of
 * a card that one of the cable's substreams is linked with (playback side
 * first); else the loopback's own clock. A switch keeps every running cable's
 * position: the elapsed time is measured anew from the switch.
 */
public final class Loopback implements SoundCardDriver {
    private final LoopbackSettings settings;
    private final HwConstraints constraints;
    private final List<PcmDeviceInfo> devices;
    /** [subdevice][playback device]. */
    private final Cable[][] cables;
    private final List<SoundCardDriver> present = new CopyOnWriteArrayList<>();
    private volatile LoopbackLog log;
    private volatile TimerSource source;

    /** The card a timer_source setting found, and its clock's skew. */
    record TimerSource(SoundCardDriver card, String id, String name, long ppm) {
        String describe() {
            return id.equals(name) ? "'" + id + "'" : "'" + name + "' (" + id + ")";
        }
    }

    public Loopback(LoopbackSettings settings, LoopbackLog log) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.log = Objects.requireNonNull(log, "log");
        this.constraints = settings.constraints();
        this.devices = List.of(
                new PcmDeviceInfo(0, "Loopback PCM", settings.substreams(), settings.substreams(), constraints,
                        constraints),
                new PcmDeviceInfo(1, "Loopback PCM", settings.substreams(), settings.substreams(), constraints,
                        constraints));
        this.cables = new Cable[settings.substreams()][2];
        for (int s = 0; s < settings.substreams(); s++) {
            for (int d = 0; d < 2; d++) {
                cables[s][d] = new Cable(this, s, d);
            }
        }
    }

    public LoopbackSettings settings() {
        return settings;
    }

    void log(LoopbackLog l) {
        this.log = l;
    }

    LoopbackLog log() {
        return log;
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
    public PcmOps open(PcmRuntime runtime) {
        boolean playback = runtime.direction() == Direction.PLAYBACK;
        // get_cable_index: the cable is named after its playback device
        int playbackDevice = playback ? runtime.device() : runtime.device() ^ 1;
        Cable cable = cables[runtime.subdevice()][playbackDevice];
        LoopbackPcm pcm = new LoopbackPcm(cable, runtime, playback);
        cable.attach(pcm);
        return pcm;
    }

    /** The cable of playback device {@code playbackDevice}, substream {@code subdevice}. */
    Cable cable(int subdevice, int playbackDevice) {
        return cables[subdevice][playbackDevice];
    }

    boolean notifyEnabled() {
        return settings.pcmNotify();
    }

    TimerSource timerSource() {
        return source;
    }

    // ---------------------------------------------------------------- timer source

    /** Another card is present (a SoundCardDriver service came); it becomes the timer source if named so. */
    public void cardAppeared(SoundCardDriver card) {
        if (card == this) {
            return;
        }
        present.add(card);
        if (source == null && matches(card)) {
            use(card, false);
        }
    }

    /** A card went away; when it was the timer source the cables fall back without losing position. */
    public void cardGone(SoundCardDriver card) {
        present.remove(card);
        TimerSource s = source;
        if (s == null || s.card() != card) {
            return;
        }
        for (SoundCardDriver other : present) {
            if (matches(other)) {
                use(other, true);
                return;
            }
        }
        source = null;
        int moved = reclockAll();
        log.warn("loopback card " + settings.id() + ": timer source card " + s.describe()
                + " went away; cables fall back to their own clock, keeping their position (" + moved
                + " running cable(s) switched)");
    }

    private void use(SoundCardDriver card, boolean replacing) {
        TimerSource s = new TimerSource(card, card.id(), card.name(), card.clockSkewPpm());
        source = s;
        int moved = reclockAll();
        log.info("loopback card " + settings.id() + ": timer source card " + s.describe() + (replacing
                ? " replaces the one that went away" : " is present") + "; cables follow its clock (" + moved
                + " running cable(s) switched)");
    }

    private boolean matches(SoundCardDriver card) {
        String want = settings.timerSource();
        return !want.isEmpty() && (want.equals(card.id()) || want.equals(card.name()));
    }

    private int reclockAll() {
        int moved = 0;
        for (Cable[] pair : cables) {
            for (Cable c : pair) {
                if (c.reclock()) {
                    moved++;
                }
            }
        }
        return moved;
    }

    /** The timer source setting names a card that is not there (yet). */
    boolean waitingForSource() {
        return !settings.timerSource().isEmpty() && source == null;
    }

    /** The clock a timer source card runs on, made from this card's clock (the core's) and its skew. */
    static Clock clockOf(TimerSource s, Clock own) {
        return own.skewed(s.ppm());
    }

    @Override
    public String toString() {
        return "Loopback[" + settings.id() + "]";
    }
}
