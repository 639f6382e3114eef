package pcmshare.core.api.pcm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told by the core when a substream's hardware completes periods, so that a
 * consumer (e.g. a buffer exporter signalling a fence per captured period) need
 * not poll. Registered with {@link PcmSubstream#addPeriodListener(PeriodListener)}.
 *
 * <p>Both methods run on the thread that reported the period or stopped the
 * stream, with the stream lock held, in the order the events happened. They must
 * not block and must not call another substream; calling this substream's own
 * non-blocking methods is allowed. A listener that throws is ignored for that call.
 */
@ConsumerType
public interface PeriodListener {

    /**
     * The driver reported elapsed periods and the core moved hw_ptr
     * (snd_pcm_period_elapsed, after snd_pcm_update_hw_ptr). Not called when the
     * update stopped the stream (xrun); {@link #stopped} is called instead.
     *
     * @param substream the substream
     * @param hwPtr     the new hardware pointer, in [0, boundary)
     */
    void periodElapsed(SubstreamView substream, long hwPtr);

    /**
     * The stream stopped (drop, drain done, xrun, close) or its card went away:
     * no period will elapse until it is prepared and started again. Also called,
     * once, when the handle that registered the listener is closed or revoked while
     * the stream goes on: the listener goes with its handle and hears no more.
     *
     * @param substream the substream
     * @param state     the state it stopped in
     */
    default void stopped(SubstreamView substream, PcmState state) {
    }
}
