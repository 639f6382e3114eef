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

    /** The cards present now, by index. */
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

    /**
     * Opens a substream as {@link #open(String, int, Direction, int, boolean)} does,
     * telling the core who holds it, for listings ({@link #substreams()}).
     * Default: the holder is not recorded.
     *
     * @param holder who opens it, for humans (e.g. a bundle or a command)
     */
    default PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking,
            String holder) {
        return open(cardId, device, direction, subdevice, nonBlocking);
    }

    /**
     * Every open substream now, card by card by index,
     * then by device, direction and number: for listings and diagnostics, read
     * by anyone, whoever holds the substreams. Default: none known.
     */
    default List<SubstreamInfo> substreams() {
        return List.of();
    }

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
