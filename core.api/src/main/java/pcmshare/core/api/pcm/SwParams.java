package pcmshare.core.api.pcm;

/**
 * Software parameters, as ALSA's snd_pcm_sw_params. After hardware parameters
 * are set the core installs ALSA's defaults: avail_min = period size,
 * start_threshold = 1, stop_threshold = buffer size, no silencing.
 *
 * @param availMin         wake a waiter when at least this many frames are available (not 0)
 * @param startThreshold   playback starts by itself once this many frames are queued;
 *                         capture starts when a read asks for at least this many
 * @param stopThreshold    stop with XRUN when avail reaches this (boundary or more: never)
 * @param silenceThreshold playback: keep at least this many frames ahead of the hardware filled
 *                         with noise or silence (0: off)
 * @param silenceSize      playback: frames of silence to write at most each time; boundary
 *                         or more with threshold 0 silences all that was played
 * @param boundary         where hw_ptr and appl_ptr wrap; read-only, set by the core
 */
public record SwParams(long availMin, long startThreshold, long stopThreshold, long silenceThreshold,
        long silenceSize, long boundary) {

    public SwParams withAvailMin(long v) {
        return new SwParams(v, startThreshold, stopThreshold, silenceThreshold, silenceSize, boundary);
    }

    public SwParams withStartThreshold(long v) {
        return new SwParams(availMin, v, stopThreshold, silenceThreshold, silenceSize, boundary);
    }

    public SwParams withStopThreshold(long v) {
        return new SwParams(availMin, startThreshold, v, silenceThreshold, silenceSize, boundary);
    }

    public SwParams withSilence(long threshold, long size) {
        return new SwParams(availMin, startThreshold, stopThreshold, threshold, size, boundary);
    }
}
