package pcmshare.server.alsa;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import pcmshare.core.api.sharing.anondup.Preset;

/**
 * Who may connect, and with which permission preset: rules {@code uid:N=PRESET},
 * {@code gid:N=PRESET}, {@code uid:*=PRESET} (anyone), PRESET one of FULL, MONITOR,
 * BUFFER or REFUSE, tried in order, the first that matches the peer's SO_PEERCRED
 * uid or one of its groups deciding. When none matches, the server's own uid gets
 * FULL and everyone else is refused.
 */
final class Policy {

    /** One rule; {@code id} -1 matches any. */
    record Rule(boolean uid, int id, Optional<Preset> preset) {
        @Override
        public String toString() {
            return (uid ? "uid:" : "gid:") + (id < 0 ? "*" : id) + "=" + preset.map(Enum::name).orElse("REFUSE");
        }
    }

    private final List<Rule> rules;
    private final int ownUid;

    private Policy(List<Rule> rules, int ownUid) {
        this.rules = rules;
        this.ownUid = ownUid;
    }

    /**
     * Parses the configured rules; the error names the rule and the syntax.
     *
     * @throws IllegalArgumentException for a rule that is not {@code uid:N=PRESET} or {@code gid:N=PRESET}
     */
    static Policy of(String[] grants, int ownUid) {
        List<Rule> rules = new ArrayList<>();
        for (String g : grants == null ? new String[0] : grants) {
            if (g == null || g.isBlank()) {
                continue;
            }
            rules.add(rule(g.strip()));
        }
        return new Policy(List.copyOf(rules), ownUid);
    }

    private static Rule rule(String g) {
        int colon = g.indexOf(':');
        int eq = g.indexOf('=');
        if (colon < 0 || eq < colon) {
            throw bad(g, "not of the form uid:N=PRESET or gid:N=PRESET");
        }
        String kind = g.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (!kind.equals("uid") && !kind.equals("gid")) {
            throw bad(g, "'" + kind + "' is neither uid nor gid");
        }
        String id = g.substring(colon + 1, eq).strip();
        int n;
        if (id.equals("*")) {
            n = -1;
        } else if (!id.isEmpty() && id.length() <= 10 && id.chars().allMatch(Character::isDigit)
                && Long.parseLong(id) <= Integer.MAX_VALUE) {
            n = Integer.parseInt(id);
        } else {
            throw bad(g, "'" + id + "' is not a number or *");
        }
        String p = g.substring(eq + 1).strip().toUpperCase(Locale.ROOT);
        Optional<Preset> preset;
        if (p.equals("REFUSE")) {
            preset = Optional.empty();
        } else {
            try {
                preset = Optional.of(Preset.valueOf(p));
            } catch (IllegalArgumentException e) {
                throw bad(g, "'" + p + "' is not one of BUFFER, FULL, MONITOR, REFUSE");
            }
        }
        return new Rule(kind.equals("uid"), n, preset);
    }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("grant '" + rule + "': " + why);
    }

    /** The preset for a peer, or empty when it is refused. */
    Optional<Preset> decide(int uid, Set<Integer> gids) {
        for (Rule r : rules) {
            boolean match = r.uid() ? (r.id() < 0 || r.id() == uid) : (r.id() < 0 || gids.contains(r.id()));
            if (match) {
                return r.preset();
            }
        }
        return uid == ownUid ? Optional.of(Preset.FULL) : Optional.empty();
    }

    List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return (rules.isEmpty() ? "" : rules + ", then ") + "uid " + ownUid + " FULL, others refused";
    }
}
