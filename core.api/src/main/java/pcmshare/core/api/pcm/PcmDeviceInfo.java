package pcmshare.core.api.pcm;

/**
 * One PCM device of a card, as ALSA's snd_pcm: its number, a name and how many
 * substreams it has per direction, with what their hardware accepts.
 */
public record PcmDeviceInfo(int device, String name, int playbackSubstreams, int captureSubstreams,
        HwConstraints playbackConstraints, HwConstraints captureConstraints) {

    public int substreams(Direction d) {
        return d == Direction.PLAYBACK ? playbackSubstreams : captureSubstreams;
    }

    public HwConstraints constraints(Direction d) {
        return d == Direction.PLAYBACK ? playbackConstraints : captureConstraints;
    }
}
