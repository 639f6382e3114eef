package pcmshare.core.api.pcm;

import java.util.List;

/**
 * A sound card as applications see it.
 *
 * @param id          short unique id (ALSA's card id), used to open substreams
 * @param name        human-readable name
 * @param devices     its PCM devices
 * @param clockSkewPpm how far the card's clock runs from the core's, in ppm
 */
public record CardInfo(String id, String name, List<PcmDeviceInfo> devices, long clockSkewPpm) {
    public CardInfo {
        devices = List.copyOf(devices);
    }
}
