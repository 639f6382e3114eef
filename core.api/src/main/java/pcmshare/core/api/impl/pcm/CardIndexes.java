package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBUSY;
import static pcmshare.core.api.errno.Errno.EINVAL;

import java.util.HashMap;
import java.util.Map;

import pcmshare.core.api.errno.ErrnoException;

/**
 * Card numbers, as ALSA's snd_card_new hands them out (sound/core/init.c), with
 * one memory more: a card keeps its index while it exists; an index freed by a
 * card goes back to that card id when it returns, and to another card only when
 * no index never used is left among ALSA's {@value #SNDRV_CARDS}, so that
 * {@code hw:1} keeps naming the same card while the core runs. Not thread-safe:
 * the engine calls it under its card lock.
 */
final class CardIndexes {
    /** ALSA's SNDRV_CARDS: the indexes a card may ask for, and the ones kept for cards that went. */
    static final int SNDRV_CARDS = 32;

    /** Index to card id, of the cards present. */
    private final Map<Integer, String> used = new HashMap<>();
    /** Card id to the index it had last, of cards that went away. */
    private final Map<String, Integer> freed = new HashMap<>();

    /**
     * The index of a new card.
     *
     * @param wanted the driver's {@code index()}: -1 for any
     * @throws ErrnoException EINVAL for an index out of [-1, SNDRV_CARDS), EBUSY when it is taken
     */
    int take(String cardId, int wanted) {
        int index;
        if (wanted != -1) {
            if (wanted >= SNDRV_CARDS || wanted < 0) {
                throw new ErrnoException(EINVAL, "card registration", null, wanted, "card " + cardId
                        + ": index " + wanted + " is outside [0, " + (SNDRV_CARDS - 1) + "] (or -1 for any)");
            }
            if (used.containsKey(wanted)) {
                throw new ErrnoException(EBUSY, "card registration", null, wanted, "card " + cardId
                        + ": index " + wanted + " is taken by card " + used.get(wanted));
            }
            index = wanted;
        } else {
            index = choose(cardId);
        }
        used.put(index, cardId);
        freed.remove(cardId);
        freed.values().remove(index);
        return index;
    }

    private int choose(String cardId) {
        Integer before = freed.get(cardId);
        if (before != null && !used.containsKey(before)) {
            return before;
        }
        for (int i = 0; i < SNDRV_CARDS; i++) {
            if (!used.containsKey(i) && !freed.containsValue(i)) {
                return i;
            }
        }
        // none left that no card had: the lowest free one, whoever had it (past SNDRV_CARDS when all are taken)
        int i = 0;
        while (used.containsKey(i)) {
            i++;
        }
        return i;
    }

    /** The card went away: its index is kept for its id. */
    void release(String cardId, int index) {
        if (used.remove(index, cardId)) {
            freed.put(cardId, index);
        }
    }
}
