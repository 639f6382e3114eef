package pcmshare.core.api.pcm;

import java.util.List;

/**
 * A sound card as applications see it.
 *
 * @param id          short unique id (ALSA's card id), used to open substreams
 * @param name        human-readable name
 * @param devices     its PCM devices
 * @param clockSkewPpm how far the card's clock runs from the core's, in ppm
 * @param index       the card's number ({@code hw:INDEX}): kept while the core runs, as ALSA's card
 *                    index is kept while the card exists; -1 where unknown
 */
public record CardInfo(String id, String name, List<PcmDeviceInfo> devices, long clockSkewPpm, int index) {
    public CardInfo {
        devices = List.copyOf(devices);
    }

    /** A card whose index is not known (-1). */
    public CardInfo(String id, String name, List<PcmDeviceInfo> devices, long clockSkewPpm) {
        this(id, name, devices, clockSkewPpm, -1);
    }
}
