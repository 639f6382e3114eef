package pcmshare.core.api.pcm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told by the core when a substream's hardware completes periods, so that a
 * consumer (e.g. a buffer exporter signalling a fence per captured period) need
 * not poll. Registered with {@link PcmSubstream#addPeriodListener(PeriodListener)}.
 *
 * <p><b>Threads.</b> A listener never runs on the thread that paces the hardware
 * (the clock thread shared by every card) nor under the stream lock. The core only
 * marks the event and wakes a thread of the handle the listener was registered
 * through; that thread, started with the handle's first listener and ended when
 * its last one is gone, calls the handle's listeners one at a time, each event in
 * the order it happened. So a listener may block, call any method of any
 * substream (unlink included) or throw: it delays only the other listeners of its
 * own handle, never the stream, another card or another holder. Whatever it throws
 * (an {@link Error} too) is logged, naming the listener and the substream, and the
 * next event is delivered as usual.
 *
 * <p><b>Late delivery.</b> Because the call is deferred, {@code hwPtr} is the
 * position when the period was reported; the stream may have moved on since.
 * Periods that elapse while the listener is still busy with an earlier one
 * coalesce into one call with the newest hw_ptr (count periods from hw_ptr
 * deltas, not from calls); a stop is never coalesced, and a call for the periods
 * of one run always comes before the {@link #stopped} that ended it. A listener
 * that falls further behind than a few stops loses the oldest events (logged).
 * Marking and waking allocate nothing: the steady-state period path stays
 * allocation-free.
 *
 * <p>After {@link PcmSubstream#removePeriodListener} returns, or the handle is
 * closed, a call already under way may finish; no other starts (but the one
 * {@link #stopped} a close promises).
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
