package pcmshare.core.api.pcm;

/** The states of a substream, as ALSA's SNDRV_PCM_STATE_*, in the same order. */
public enum PcmState {
    /** Opened, no hardware parameters yet. */
    OPEN,
    /** Hardware parameters set, not prepared. */
    SETUP,
    /** Ready to start. */
    PREPARED,
    /** Running. */
    RUNNING,
    /** Stopped by an underrun (playback) or overrun (capture). */
    XRUN,
    /** Playback: playing out what is queued; capture: stopped, data left to read. */
    DRAINING,
    /** Paused (pause push). */
    PAUSED,
    /** Suspended by power management; resume returns to the previous state. */
    SUSPENDED,
    /** The card went away; only close is meaningful. */
    DISCONNECTED
}
