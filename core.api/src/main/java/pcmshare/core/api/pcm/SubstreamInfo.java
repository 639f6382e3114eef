package pcmshare.core.api.pcm;

import java.util.Objects;
import java.util.Set;

/**
 * An open substream as a listing shows it (ALSA's
 * /proc/asound/cardN/pcmDx/subS/info and status files): who holds it, its
 * parameters and a status snapshot. Taking it changes nothing for the holder:
 * unlike {@link PcmSubstream#status()} it does not reset avail_max.
 *
 * @param cardId     the card's id
 * @param device     the PCM device number
 * @param direction  playback or capture
 * @param subdevice  the substream number within its device and direction
 * @param holder     who opened it, as given to
 *                   {@link PcmCore#open(String, int, Direction, int, boolean, String)}; empty when not told
 * @param handles    open handles on it (the first open and its dups)
 * @param hwParams   its hardware parameters, or null in OPEN
 * @param status     a snapshot of its state and pointers
 * @param linkedWith the other members of its link group, empty when not linked
 */
public record SubstreamInfo(String cardId, int device, Direction direction, int subdevice, String holder,
        int handles, HwParams hwParams, PcmStatus status, Set<SubstreamView> linkedWith) {
    public SubstreamInfo {
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(direction, "direction");
        holder = holder == null ? "" : holder;
        Objects.requireNonNull(status, "status");
        linkedWith = Set.copyOf(linkedWith);
    }
}
