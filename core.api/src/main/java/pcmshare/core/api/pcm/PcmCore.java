package pcmshare.core.api.pcm;

import java.util.List;
import java.util.Optional;

/**
 * The PCM core as a service: the cards the drivers registered, and a way to
 * open their substreams.
 */
public interface PcmCore {

    /** The cards present now, in the order they appeared. */
    List<CardInfo> cards();

    Optional<CardInfo> card(String cardId);

    /**
     * Opens a substream.
     *
     * @param subdevice   a substream number, or -1 for the first free one
     * @param nonBlocking the initial non-blocking mode (O_NONBLOCK)
     * @throws pcmshare.core.api.errno.ErrnoException ENODEV when the card or
     *         device does not exist (or went away), EBUSY when the substream (or
     *         all of them) is already open, EINVAL for a bad subdevice number, or
     *         what the driver's open refused with
     */
    PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking);

    /** Opens the first free substream, blocking mode. */
    default PcmSubstream open(String cardId, int device, Direction direction) {
        return open(cardId, device, direction, -1, false);
    }
}
