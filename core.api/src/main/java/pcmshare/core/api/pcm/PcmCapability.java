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
    DRAIN_TRIGGER,
    /**
     * The driver must hear of every appl_ptr move at once (SNDRV_PCM_INFO_SYNC_APPLPTR): the core
     * moves appl_ptr under the stream lock and calls {@code PcmOps.ack()} each time, rather than
     * letting the mmap path store it lock-free for the next period to read.
     */
    SYNC_APPLPTR,
    /**
     * The driver's pointer moves in whole periods only, each reported with {@code periodElapsed}
     * (SNDRV_PCM_INFO_BATCH: the hardware hands over a period at a time). Between two reports the
     * driver would say what the status page already says, so in the steady state (RUNNING, no xrun
     * due) hwsync and avail read the page without the stream lock and without calling the driver.
     */
    BATCH
}
