package pcmshare.shell;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;

/**
 * Says what is wrong with a command line that Gogo could not match to a command's
 * method, in place of Gogo's "Cannot coerce play(Token, Token) to any of [...]":
 * an unknown option, a missing value, a missing or extra argument, named against
 * the options and arguments the documented method declares.
 */
final class Usage {
    private Usage() {
    }

    /**
     * Runs the documented method of {@code target} named {@code function} on a command line that Gogo
     * handed to the catch-all instead (Gogo may prefer the catch-all on a tie): options and flags by name,
     * the other words in order; refused as {@link #refuse} says when they do not fit.
     */
    static Object dispatch(Object target, String command, String function, CommandSession session, Object[] args)
            throws Exception {
        Method m = documented(target.getClass(), function);
        if (m == null) {
            throw refuse(command, target.getClass(), function, args);
        }
        Parameter[] params = m.getParameters();
        Object[] values = new Object[params.length];
        java.util.Map<String, String> named = new java.util.HashMap<>();
        java.util.Map<String, Integer> at = new java.util.HashMap<>();
        List<Integer> positional = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            var option = params[i].getAnnotation(org.apache.felix.service.command.Parameter.class);
            if (params[i].getType() == CommandSession.class) {
                values[i] = session;
            } else if (option == null) {
                positional.add(i);
            } else {
                for (String n : option.names()) {
                    at.put(n, i);
                }
            }
        }
        List<String> words = new ArrayList<>();
        for (int k = 0; k < args.length; k++) {
            String a = String.valueOf(args[k]);
            Integer i = at.get(a);
            if (i == null) {
                if (a.startsWith("--")) {
                    throw refuse(command, target.getClass(), function, args);
                }
                words.add(a);
                continue;
            }
            var option = params[i].getAnnotation(org.apache.felix.service.command.Parameter.class);
            if (!org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(option.presentValue())) {
                named.put(option.names()[0], option.presentValue());
            } else if (k + 1 < args.length) {
                named.put(option.names()[0], String.valueOf(args[++k]));
            } else {
                throw refuse(command, target.getClass(), function, args);
            }
        }
        if (words.size() != positional.size()) {
            throw refuse(command, target.getClass(), function, args);
        }
        for (int i = 0; i < params.length; i++) {
            var option = params[i].getAnnotation(org.apache.felix.service.command.Parameter.class);
            if (option != null) {
                String v = named.getOrDefault(option.names()[0], option.absentValue());
                values[i] = params[i].getType() == boolean.class ? Boolean.parseBoolean(v) : v;
            }
        }
        for (int j = 0; j < positional.size(); j++) {
            values[positional.get(j)] = words.get(j);
        }
        try {
            return m.invoke(target, values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static Method documented(Class<?> type, String function) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(function) && m.isAnnotationPresent(Descriptor.class) && !m.isVarArgs()) {
                return m;
            }
        }
        return null;
    }

    /**
     * The refusal of {@code args} for {@code command} (e.g. {@code pcm:play}), whose documented
     * method is the one of {@code type} named {@code function} that carries a {@link Descriptor}.
     */
    static IllegalArgumentException refuse(String command, Class<?> type, String function, Object[] args) {
        Method documented = documented(type, function);
        if (documented == null) {
            return new IllegalArgumentException(command + ": cannot use " + List.of(args));
        }
        List<String> options = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        List<String> required = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (Parameter p : documented.getParameters()) {
            if (p.getType() == CommandSession.class) {
                continue;
            }
            var option = p.getAnnotation(org.apache.felix.service.command.Parameter.class);
            Descriptor d = p.getAnnotation(Descriptor.class);
            if (option == null) {
                // "the playback substream: hw:CARD[,DEV[,SUB]], ..." is named by what comes before the colon
                String text = d == null ? p.getName() : d.value();
                positional.add(text.contains(":") ? text.substring(0, text.indexOf(':')) : text);
                continue;
            }
            String name = option.names()[0];
            boolean flag = !org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(option.presentValue());
            (flag ? flags : options).add(name);
            if (org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(option.absentValue())) {
                required.add(name);
            }
        }
        List<String> given = new ArrayList<>();
        for (Object a : args) {
            given.add(String.valueOf(a));
        }
        String why = null;
        int plain = 0;
        for (int i = 0; i < given.size() && why == null; i++) {
            String a = given.get(i);
            if (a.startsWith("--")) {
                if (flags.contains(a)) {
                    continue;
                }
                if (!options.contains(a)) {
                    why = "unknown option " + a;
                } else if (i + 1 >= given.size() || given.get(i + 1).startsWith("--")) {
                    why = "option " + a + " needs a value";
                } else {
                    i++;
                }
            } else {
                plain++;
            }
        }
        if (why == null) {
            for (String r : required) {
                if (!given.contains(r)) {
                    why = "option " + r + " is required";
                    break;
                }
            }
        }
        if (why == null && plain < positional.size()) {
            why = "missing " + positional.get(plain);
        } else if (why == null && plain > positional.size()) {
            why = "too many arguments (" + plain + "; it takes " + positional.size() + ")";
        } else if (why == null) {
            why = "cannot use these arguments";
        }
        StringBuilder takes = new StringBuilder();
        List<String> all = new ArrayList<>(options);
        all.addAll(flags);
        if (!all.isEmpty()) {
            takes.append("options ").append(String.join(", ", all));
        }
        if (!positional.isEmpty()) {
            takes.append(takes.isEmpty() ? "" : "; ").append(positional.size() == 1 ? "argument: " : "arguments: ")
                    .append(String.join(", ", positional));
        }
        return new IllegalArgumentException(command + ": " + why + (takes.isEmpty() ? "" : "; it takes " + takes)
                + " (help " + command + ")");
    }
}
