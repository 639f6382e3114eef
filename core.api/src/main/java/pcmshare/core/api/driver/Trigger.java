package pcmshare.core.api.driver;

/** Trigger commands, as ALSA's SNDRV_PCM_TRIGGER_*. */
public enum Trigger {
    START,
    STOP,
    PAUSE_PUSH,
    PAUSE_RELEASE,
    SUSPEND,
    RESUME,
    /** Playback started draining; only for drivers with the DRAIN_TRIGGER capability. */
    DRAIN
}
