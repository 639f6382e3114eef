package pcmshare.core.api.pcm;

import pcmshare.core.api.clock.Clock;

/**
 * A read-only view of a substream: what its link group partners
 * ({@link PcmSubstream#linkedWith()}, a driver's
 * {@link pcmshare.core.api.driver.PcmOps#linkChanged}) and period listeners see of
 * it. It may belong to another card and another driver: the identity says which,
 * and the clock and hardware parameters tell how that card's periods advance (e.g.
 * so a loopback card can pace itself on the linked card's clock). Being read-only,
 * it gives no more than {@code STATUS} rights to whoever holds it, so passing it
 * around never widens a restricted handle.
 *
 * <p>There is one view per open substream: a substream is reported by the
 * same object in every notification, so views may be compared with
 * {@code ==} and kept in sets. The reads are lock-free snapshots; they are safe
 * from any thread, including from within {@link pcmshare.core.api.driver.PcmOps#linkChanged} and
 * {@link pcmshare.core.api.driver.PcmOps#trigger}.
 */
public interface SubstreamView {

    /** The id of the linked substream's card. */
    String cardId();

    /** The human-readable name of that card ({@link pcmshare.core.api.driver.SoundCardDriver#name()}). */
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
