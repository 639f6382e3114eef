package pcmshare.core.api.pcm;

/**
 * A snapshot of a substream, as ALSA's snd_pcm_status. Times are nanoseconds on
 * the card's clock.
 *
 * @param state                 current state
 * @param suspendedState        the state before SUSPENDED (meaningful when suspended)
 * @param triggerTimestampNanos when the state last changed by a trigger (start, stop, pause, ...)
 * @param timestampNanos        when this snapshot was taken
 * @param hwPtr                 frames the hardware has processed, in [0, boundary)
 * @param applPtr               frames the application has processed, in [0, boundary)
 * @param avail                 frames the application can write (playback) or read (capture)
 * @param availMax              largest avail seen since the previous status call
 * @param delay                 frames between the application and the listener/source (0 when not running)
 * @param xrunCount             underruns/overruns since the substream was opened
 */
public record PcmStatus(PcmState state, PcmState suspendedState, long triggerTimestampNanos, long timestampNanos,
        long hwPtr, long applPtr, long avail, long availMax, long delay, long xrunCount) {
}
