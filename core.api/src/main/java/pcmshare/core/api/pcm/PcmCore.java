package pcmshare.core.api.pcm;

import java.util.List;
import java.util.Optional;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

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

    /**
     * What the core holds right now (cards, open substreams and handles, live
     * buffer memory), so that a test can check that nothing leaked.
     *
     * @throws pcmshare.core.api.errno.ErrnoException ENOSYS when this implementation keeps no counts
     */
    default PcmDiagnostics diagnostics() {
        throw new ErrnoException(Errno.ENOSYS, "diagnostics", null, getClass().getName(),
                "this PCM core keeps no counts");
    }
}
