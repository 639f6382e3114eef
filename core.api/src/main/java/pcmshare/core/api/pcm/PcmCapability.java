package pcmshare.core.api.pcm;

/** What a driver's hardware can do beyond the basics, as ALSA's SNDRV_PCM_INFO_* bits. */
public enum PcmCapability {
    /** Pause push/release (SNDRV_PCM_INFO_PAUSE); without it pause is ENOSYS. */
    PAUSE,
    /** Resume after suspend (SNDRV_PCM_INFO_RESUME); without it resume is ENOSYS and the application prepares again. */
    RESUME,
    /** The driver reads and writes the ring buffer memory directly, with no copy or sync step. */
    COHERENT_BUFFER,
    /** The driver wants a DRAIN trigger when playback starts draining (SNDRV_PCM_INFO_DRAIN_TRIGGER). */
    DRAIN_TRIGGER
}
