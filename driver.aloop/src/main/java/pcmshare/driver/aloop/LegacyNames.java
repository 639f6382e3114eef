package pcmshare.driver.aloop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The loopback card's old property names ({@link AloopLegacyConfig}) and the names
 * they have now ({@link AloopConfig}): which old names a configuration uses, the
 * warnings that say so, and messages said with the name the configuration used.
 */
final class LegacyNames {
    /** Each old name and its new name. */
    static final Map<String, String> RENAMED;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pcm_substreams", "pcmSubstreams");
        m.put("pcm_notify", "pcmNotify");
        m.put("timer_source", "timerSource");
        m.put("rate_min", "rateMin");
        m.put("rate_max", "rateMax");
        m.put("channels_min", "channelsMin");
        m.put("channels_max", "channelsMax");
        RENAMED = java.util.Collections.unmodifiableMap(m);
    }

    private LegacyNames() {
    }

    /**
     * Whether the value of {@code newName} comes from its old name: the old one is set, and the new one
     * is not set to anything but its default (the component's properties always hold the new names, with
     * {@link AloopConfig}'s defaults where the configuration sets nothing).
     */
    static boolean fromOldName(String newName, Map<String, ?> properties) {
        String old = oldName(newName);
        return old != null && properties.containsKey(old) && !setApart(newName, properties);
    }

    /** The value of {@code name} under its new name when it comes from its old one, else {@code now}. */
    static int intValue(String name, Map<String, ?> properties, int now) {
        if (!fromOldName(name, properties)) {
            return now;
        }
        Object v = properties.get(oldName(name));
        return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).strip());
    }

    static boolean booleanValue(String name, Map<String, ?> properties, boolean now) {
        if (!fromOldName(name, properties)) {
            return now;
        }
        Object v = properties.get(oldName(name));
        return v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v).strip());
    }

    static String stringValue(String name, Map<String, ?> properties, String now) {
        return fromOldName(name, properties) ? String.valueOf(properties.get(oldName(name))) : now;
    }

    private static String oldName(String newName) {
        for (var e : RENAMED.entrySet()) {
            if (e.getValue().equals(newName)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Whether the configuration sets {@code newName} to something other than its default. */
    private static boolean setApart(String newName, Map<String, ?> properties) {
        Object v = properties.get(newName);
        if (v == null) {
            return false;
        }
        try {
            Object d = AloopConfig.class.getDeclaredMethod(newName).getDefaultValue();
            return !String.valueOf(v).strip().equals(String.valueOf(d));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(newName + " is no property of the loopback card", e);
        }
    }

    /** The old names {@code properties} sets, sorted. */
    static Set<String> used(Map<String, ?> properties) {
        Set<String> used = new TreeSet<>(properties.keySet());
        used.retainAll(RENAMED.keySet());
        return used;
    }

    /** One deprecation warning per old name {@code properties} sets, for card {@code id}. */
    static List<String> warnings(Object id, Map<String, ?> properties) {
        List<String> out = new ArrayList<>();
        for (String old : used(properties)) {
            String now = RENAMED.get(old);
            out.add(setApart(now, properties)
                    ? "loopback card " + id + ": " + old + " is ignored: it is the old name of " + now + ", which is "
                            + "set too; remove " + old
                    : "loopback card " + id + ": " + old + " is deprecated: it is read as " + now + " = "
                            + text(properties.get(old)) + "; write " + now + " instead (old names will not be "
                            + "read for ever)");
        }
        return out;
    }

    /**
     * {@code message} (a refusal naming a property first, "rateMin = 0: ...") with the property's
     * old name when the configuration set it by that name.
     */
    static String asWritten(String message, Map<String, ?> properties) {
        for (var e : RENAMED.entrySet()) {
            if (message.startsWith(e.getValue() + " ") && fromOldName(e.getValue(), properties)) {
                return e.getKey() + message.substring(e.getValue().length());
            }
        }
        return message;
    }

    private static String text(Object value) {
        return value instanceof Object[] a ? String.join(",", java.util.Arrays.stream(a).map(String::valueOf)
                .toList()) : String.valueOf(value);
    }
}
