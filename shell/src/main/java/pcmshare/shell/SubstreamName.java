package pcmshare.shell;

import java.util.List;
import java.util.Locale;

import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A substream named the way ALSA users name one: {@code hw:CARD,DEV,SUB}, CARD
 * by id or by index, DEV and SUB optional (default 0), e.g. {@code hw:Loopback,1,0},
 * {@code hw:0}, {@code hw:Dummy,0}. The direction is not part of ALSA's name; a
 * name may carry it as a suffix, {@code /playback} or {@code /capture} (or
 * {@code /p}, {@code /c}), e.g. {@code hw:Loopback,1,0/capture}; without one the
 * command decides.
 *
 * @param text      the name as typed
 * @param card      the card as typed: an id, or an index when all digits
 * @param device    the PCM device number
 * @param subdevice the substream number
 * @param direction the direction from the suffix, or null when there is none
 */
record SubstreamName(String text, String card, int device, int subdevice, Direction direction) {

    static final String SYNTAX = "hw:CARD[,DEV[,SUB]][/playback|/capture], CARD an id or an index, "
            + "DEV and SUB numbers (default 0)";

    /**
     * Parses a name; {@code command} is named in the errors.
     *
     * @throws IllegalArgumentException naming the command, the input and the syntax
     */
    static SubstreamName parse(String command, String text) {
        if (text == null || text.isBlank()) {
            throw bad(command, text, "no substream given");
        }
        String t = text.strip();
        Direction direction = null;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            String suffix = t.substring(slash + 1).toLowerCase(Locale.ROOT);
            direction = switch (suffix) {
                case "p", "playback" -> Direction.PLAYBACK;
                case "c", "capture" -> Direction.CAPTURE;
                default -> throw bad(command, text, "unknown direction '" + t.substring(slash + 1)
                        + "' (use /playback or /capture)");
            };
            t = t.substring(0, slash);
        }
        if (!t.startsWith("hw:")) {
            throw bad(command, text, "a substream name starts with 'hw:'");
        }
        String[] parts = t.substring(3).split(",", -1);
        if (parts.length > 3) {
            throw bad(command, text, "too many fields");
        }
        String card = parts[0].strip();
        if (card.isEmpty()) {
            throw bad(command, text, "the card is missing");
        }
        int device = parts.length > 1 ? number(command, text, "device", parts[1]) : 0;
        int subdevice = parts.length > 2 ? number(command, text, "subdevice", parts[2]) : 0;
        return new SubstreamName(text.strip(), card, device, subdevice, direction);
    }

    private static int number(String command, String text, String what, String field) {
        String f = field.strip();
        if (f.isEmpty() || !f.chars().allMatch(Character::isDigit) || f.length() > 9) {
            throw bad(command, text, "the " + what + " '" + field + "' is not a number 0 or more");
        }
        return Integer.parseInt(f);
    }

    private static IllegalArgumentException bad(String command, String text, String why) {
        return new IllegalArgumentException(command + " cannot use substream '" + text + "': " + why
                + "; names look like " + SYNTAX);
    }

    /** The direction from the suffix, else {@code fallback}. */
    Direction directionOr(Direction fallback) {
        return direction != null ? direction : fallback;
    }

    /**
     * Finds the card, device and substream among {@code cards} (as
     * {@code PcmCore.cards()} lists them).
     *
     * @throws IllegalArgumentException for an unknown card (naming the known ones), a
     *         device the card does not have or a substream number out of range
     */
    Target resolve(String command, List<CardInfo> cards, Direction fallback) {
        Direction dir = directionOr(fallback);
        CardInfo match = null;
        if (card.chars().allMatch(Character::isDigit)) {
            int i = card.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(card);
            for (int k = 0; k < cards.size() && match == null; k++) {
                // a card's index, as pcm:cards shows it; the position in a list where no index is known
                int index = cards.get(k).index() >= 0 ? cards.get(k).index() : k;
                if (index == i) {
                    match = cards.get(k);
                }
            }
            if (match == null) {
                throw unknownCard(command, cards, "no card with index " + card);
            }
        } else {
            for (int i = 0; i < cards.size() && match == null; i++) {
                if (cards.get(i).id().equals(card)) {
                    match = cards.get(i);
                }
            }
            for (int i = 0; i < cards.size() && match == null; i++) {
                if (cards.get(i).id().equalsIgnoreCase(card)) {
                    match = cards.get(i);
                }
            }
            if (match == null) {
                throw unknownCard(command, cards, "no card '" + card + "'");
            }
        }
        CardInfo info = match;
        int index = info.index() >= 0 ? info.index() : cards.indexOf(info);
        PcmDeviceInfo dev = info.devices().stream().filter(d -> d.device() == device).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(command + " cannot use substream '" + text
                        + "': card " + info.id() + " has no PCM device " + device + "; its devices are "
                        + info.devices().stream().map(PcmDeviceInfo::device).sorted().toList()));
        int count = dev.substreams(dir);
        if (subdevice >= count) {
            String have = count == 0 ? "no " + lower(dir) + " substreams"
                    : count + " " + lower(dir) + " substream" + (count == 1 ? " (0)" : "s (0-" + (count - 1) + ")");
            throw new IllegalArgumentException(command + " cannot use substream '" + text + "': device "
                    + info.id() + "," + device + " has " + have);
        }
        return new Target(info.id(), index, device, subdevice, dir);
    }

    private IllegalArgumentException unknownCard(String command, List<CardInfo> cards, String why) {
        StringBuilder known = new StringBuilder();
        for (int i = 0; i < cards.size(); i++) {
            int index = cards.get(i).index() >= 0 ? cards.get(i).index() : i;
            known.append(i == 0 ? "" : ", ").append(index).append(' ').append(cards.get(i).id());
        }
        return new IllegalArgumentException(command + " cannot use substream '" + text + "': " + why
                + "; the cards are " + (cards.isEmpty() ? "none (no driver registered a card)" : known));
    }

    static String lower(Direction d) {
        return d.name().toLowerCase(Locale.ROOT);
    }

    /** A substream that exists: card id and index, device, number and direction. */
    record Target(String cardId, int cardIndex, int device, int subdevice, Direction direction) {
        /** The canonical name, e.g. {@code hw:Loopback,1,0/capture}. */
        String name() {
            return "hw:" + cardId + "," + device + "," + subdevice + "/" + lower(direction);
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
