package pcmshare.server.alsa;

import java.util.List;
import java.util.stream.Collectors;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;

/**
 * The PCM a client names in its open request (the {@code pcm} field of its shm
 * configuration): {@code hw:CARD[,DEV[,SUB]]} as ALSA's hw plugin takes it, CARD an
 * id or an index, SUB -1 (the default) for the first free substream; the keyed form
 * {@code hw:CARD=Loopback,DEV=1,SUB=0} too. The stream comes from the request.
 *
 * @param card      the card as named
 * @param device    the PCM device
 * @param subdevice the substream, or -1 for the first free one
 */
record PcmName(String card, int device, int subdevice) {

    static final String SYNTAX = "hw:CARD[,DEV[,SUB]] or hw:CARD=id,DEV=n,SUB=n";

    static PcmName parse(String text) {
        if (!text.startsWith("hw:") || text.length() == 3) {
            throw bad(text, "a PCM name starts with 'hw:' and names a card");
        }
        String[] parts = text.substring(3).split(",", -1);
        if (parts.length > 3) {
            throw bad(text, "too many fields");
        }
        String card = null;
        int device = 0;
        int subdevice = -1;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            String key = eq < 0 ? new String[] {"CARD", "DEV", "SUB"}[i] : p.substring(0, eq).strip();
            String value = eq < 0 ? p : p.substring(eq + 1).strip();
            switch (key) {
                case "CARD" -> card = value;
                case "DEV" -> device = number(text, "DEV", value);
                case "SUB" -> subdevice = value.equals("-1") ? -1 : number(text, "SUB", value);
                default -> throw bad(text, "unknown field '" + key + "'");
            }
        }
        if (card == null || card.isEmpty()) {
            throw bad(text, "the card is missing");
        }
        return new PcmName(card, device, subdevice);
    }

    private static int number(String text, String what, String v) {
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
            throw bad(text, what + " '" + v + "' is not a number 0 or more");
        }
        return Integer.parseInt(v);
    }

    private static ErrnoException bad(String text, String why) {
        return new ErrnoException(Errno.EINVAL, "open", null, text, why + "; names look like " + SYNTAX);
    }

    /** The card among {@code cards}, by id (exact, then ignoring case) or by index; ENODEV naming the cards there are. */
    CardInfo resolve(List<CardInfo> cards) {
        boolean index = card.chars().allMatch(Character::isDigit) && card.length() <= 9;
        for (CardInfo c : cards) {
            if (index ? c.index() == Integer.parseInt(card) : c.id().equals(card)) {
                return c;
            }
        }
        for (CardInfo c : cards) {
            if (c.id().equalsIgnoreCase(card)) {
                return c;
            }
        }
        throw new ErrnoException(Errno.ENODEV, "open", null, card, "no such card; the cards are "
                + (cards.isEmpty() ? "none" : cards.stream().map(c -> c.index() + " " + c.id())
                        .collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return "hw:" + card + "," + device + "," + subdevice;
    }
}
