package pcmshare.core.api.driver;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;

/**
 * A read-only view of a substream that one of the driver's substreams is
 * linked with (see {@link PcmOps#linkChanged}). It may belong to another card
 * and another driver: the identity says which, and the clock and hardware
 * parameters tell how that card's periods advance (e.g. so a loopback card
 * can pace itself on the linked card's clock).
 *
 * <p>There is one view per open substream: a substream is reported by the
 * same object in every notification, so views may be compared with
 * {@code ==} and kept in sets. The reads are lock-free snapshots; they are safe
 * from any thread, including from within {@link PcmOps#linkChanged} and
 * {@link PcmOps#trigger}.
 */
public interface LinkedSubstream {

    /** The id of the linked substream's card. */
    String cardId();

    /** The human-readable name of that card ({@link SoundCardDriver#name()}). */
    String cardName();

    int device();

    Direction direction();

    int subdevice();

    /** That card's clock (the core's clock with that card's skew). */
    Clock clock();

    /** That substream's hardware parameters (rate, period size, ...), or null before hw_params. */
    HwParams hwParams();

    /** That substream's state now. */
    PcmState state();

    /** That substream's hardware pointer as last updated, in [0, boundary). */
    long hwPtr();
}
