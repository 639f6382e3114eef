package pcmshare.core.api.driver;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A driver's configuration checked as the user wrote it, before Declarative
 * Services converts it to the component property type the driver reads: a value
 * that would not convert ({@code rateMin = abc}, {@code skewPpm = 1e9}) is refused
 * with the property, the value and why, where DS would throw a bare
 * NumberFormatException from inside a proxy; and keys the type does not know
 * (a typo) are listed, since DS ignores them silently.
 *
 * <p>Property names follow DS's mapping of the type's method names: {@code _} is
 * {@code .}, {@code __} is {@code _}, {@code $} is dropped, {@code $$} is {@code $},
 * {@code $_$} is {@code -}.
 */
public final class DriverConfiguration {
    /** Prefixes of the properties the framework, DS, ConfigAdmin and FileInstall add. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "objectClass", ".");

    private DriverConfiguration() {
    }

    /**
     * Refuses the first value that the type's method of that property could not
     * be converted to.
     *
     * @throws IllegalArgumentException {@code "property = value: why"}
     */
    public static void checkValues(Class<? extends Annotation> type, Map<String, ?> properties) {
        for (Method m : type.getDeclaredMethods()) {
            String key = propertyName(m.getName());
            Object raw = properties.get(key);
            if (raw == null) {
                continue;
            }
            Class<?> target = m.getReturnType();
            if (target.isArray()) {
                for (Object element : elements(raw)) {
                    check(key, raw, element, target.getComponentType());
                }
            } else {
                check(key, raw, raw, target);
            }
        }
    }

    /** The keys of {@code properties} that name no property of the type, sorted; framework keys aside. */
    public static Set<String> unknownKeys(Class<? extends Annotation> type, Map<String, ?> properties) {
        Set<String> known = knownKeys(type);
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            // NAME.target and NAME.cardinality.minimum configure a component's references (DS 112.6)
            if (!known.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)
                    && !key.endsWith(".target") && !key.endsWith(".cardinality.minimum")) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** The property names of the type, sorted. */
    public static Set<String> knownKeys(Class<? extends Annotation> type) {
        Set<String> known = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            known.add(propertyName(m.getName()));
        }
        return known;
    }

    /** DS's property name of a component property type's method (OSGi Compendium 112.8.2.1). */
    public static String propertyName(String method) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c == '$') {
                if (method.startsWith("$_$", i)) {
                    b.append('-');
                    i += 2;
                } else if (method.startsWith("$$", i)) {
                    b.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (method.startsWith("__", i)) {
                    b.append('_');
                    i++;
                } else {
                    b.append('.');
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static List<Object> elements(Object raw) {
        if (raw instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (raw.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(raw); i++) {
                list.add(Array.get(raw, i));
            }
            return list;
        }
        return List.of(raw);
    }

    private static void check(String key, Object raw, Object value, Class<?> target) {
        if (value == null) {
            return;
        }
        String why = null;
        if (target == int.class || target == long.class || target == short.class || target == byte.class) {
            why = whole(value, target);
        } else if (target == double.class || target == float.class) {
            if (!(value instanceof Number)) {
                try {
                    Double.parseDouble(value.toString().strip());
                } catch (NumberFormatException e) {
                    why = "not a number";
                }
            }
        } else if (target == boolean.class) {
            String s = value.toString().strip().toLowerCase(Locale.ROOT);
            if (!(value instanceof Boolean) && !s.equals("true") && !s.equals("false")) {
                why = "neither true nor false";
            }
        } else if (target.isEnum()) {
            Object[] constants = target.getEnumConstants();
            String s = value.toString().strip();
            if (Arrays.stream(constants).noneMatch(k -> ((Enum<?>) k).name().equals(s))) {
                why = "not one of " + Arrays.stream(constants).map(k -> ((Enum<?>) k).name()).sorted().toList();
            }
        }
        if (why != null) {
            throw new IllegalArgumentException(key + " = " + text(raw) + ": " + why);
        }
    }

    private static String whole(Object value, Class<?> target) {
        long v;
        if (value instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (d != Math.rint(d)) {
                    return "not a whole number";
                }
            }
            v = n.longValue();
        } else {
            try {
                v = Long.parseLong(value.toString().strip());
            } catch (NumberFormatException e) {
                return "not a whole number (digits only, e.g. 48000)";
            }
        }
        long min = target == int.class ? Integer.MIN_VALUE : target == short.class ? Short.MIN_VALUE
                : target == byte.class ? Byte.MIN_VALUE : Long.MIN_VALUE;
        long max = target == int.class ? Integer.MAX_VALUE : target == short.class ? Short.MAX_VALUE
                : target == byte.class ? Byte.MAX_VALUE : Long.MAX_VALUE;
        return v < min || v > max ? "outside [" + min + ", " + max + "]" : null;
    }

    private static String text(Object raw) {
        if (raw.getClass().isArray()) {
            return elements(raw).toString();
        }
        return raw.toString();
    }
}
