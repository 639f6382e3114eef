package pcmshare.core.api.driver;

import java.util.List;

import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * One sound card, registered by a driver as an OSGi service (whiteboard). The
 * core reads the identity and devices once, when the service appears; to
 * change them, register a new service. Unregistering the service disconnects
 * the card.
 */
public interface SoundCardDriver {

    /**
     * Optional service property: what paces the card's periods, for humans (e.g.
     * {@code "system timer (hrtimer)"} or {@code "follows linked card"}). Listings
     * show "own clock" when a driver does not set it.
     */
    String TIMER_SOURCE_PROPERTY = "pcmshare.timer.source";

    /** Short id, unique among cards (ALSA's card id); the core adds a suffix on a clash. */
    String id();

    /** Human-readable name. */
    String name();

    /** The card's PCM devices, with substream counts and hardware constraints per direction. */
    List<PcmDeviceInfo> devices();

    /**
     * The index the card asks for ({@code hw:INDEX}; the idx of snd_card_new, snd-aloop's {@code index=}),
     * or -1 (the default) for the core to choose: the index this card id had before in this core, else the
     * lowest one that no card has had. A card whose index is taken is refused with EBUSY, as in ALSA.
     */
    default int index() {
        return -1;
    }

    /** How far the card's clock runs from the core's, in ppm; the runtime's clock includes it. */
    default long clockSkewPpm() {
        return 0;
    }

    /**
     * Opens a substream (snd_pcm_ops.open): the driver keeps {@code runtime} to
     * report progress and returns the ops for this substream. Refuse with an
     * {@link pcmshare.core.api.errno.ErrnoException} (e.g. EBUSY).
     */
    PcmOps open(PcmRuntime runtime);
}
