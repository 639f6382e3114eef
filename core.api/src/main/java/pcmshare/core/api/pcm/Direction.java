package pcmshare.core.api.pcm;

/** The direction of a substream, as ALSA's SNDRV_PCM_STREAM_*. */
public enum Direction {
    PLAYBACK,
    CAPTURE
}
