package pcmshare.app;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Background jobs ({@code COMMAND &}) as a Unix shell has them: each says when it
 * starts and how it ended (its result, or its error), {@code jobs} lists those
 * running, {@code kill %N} stops one as Ctrl-C stops a foreground command. Gogo
 * runs each line typed as a job inside the console's own job and reports their
 * changes to one listener per session; its types are reached reflectively.
 */
final class ShellJobs {
    private final PrintStream out;
    private final Class<?> listenerType;
    private final Set<Object> attached = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Set<Object> background = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    ShellJobs(PrintStream out, Class<?> listenerType) {
        this.out = out;
        this.listenerType = listenerType;
    }

    /** Listens to the jobs of {@code session}, once. */
    void attach(Object session) {
        if (!attached.add(session)) {
            return;
        }
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "pcmshare shell jobs";
                };
            }
            if ("jobChanged".equals(method.getName())) {
                changed(args[0], String.valueOf(args[2]), session);
            }
            return null;
        };
        Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, h);
        try {
            session.getClass().getMethod("setJobListener", listenerType).invoke(session, listener);
        } catch (ReflectiveOperationException | RuntimeException e) {
            attached.remove(session);
        }
    }

    private void changed(Object job, String status, Object session) {
        try {
            if ("Background".equals(status) && background.add(job)) {
                // the console prints its prompt right after
                out.println("[" + id(job) + "] running in the background: " + command(job));
                out.flush();
            } else if ("Done".equals(status) && background.remove(job)) {
                Object result = ConsoleControl.invoke(job, "result");
                Object value = result == null ? null : ConsoleControl.invoke(result, "result");
                Object error = result == null ? null : ConsoleControl.invoke(result, "exception");
                String text = error != null
                        ? "failed: " + (((Throwable) error).getMessage() == null ? error.toString()
                                : ((Throwable) error).getMessage())
                        : "done" + (value == null ? "" : ": " + value);
                say("[" + id(job) + "] " + text + " (" + command(job) + ")", session);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            say("a background job ended; its outcome is unknown: " + e, session);
        }
    }

    private void say(String line, Object session) {
        out.print(System.lineSeparator() + line + System.lineSeparator()
                + ConsoleControl.prompt(new Object[] {session}));
        out.flush();
    }

    /** The jobs of the sessions attached that have not ended, oldest first. */
    List<Object> running() {
        List<Object> all = new ArrayList<>();
        Object[] sessions;
        synchronized (attached) {
            sessions = attached.toArray();
        }
        for (Object session : sessions) {
            try {
                for (Object job : (Iterable<?>) ConsoleControl.invoke(session, "jobs")) {
                    collect(job, all);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a session closed meanwhile has no jobs
            }
        }
        all.removeIf(j -> {
            try {
                return "Done".equals(String.valueOf(ConsoleControl.invoke(j, "status")))
                        // the console itself
                        || String.valueOf(ConsoleControl.invoke(j, "command")).startsWith("gosh");
            } catch (ReflectiveOperationException | RuntimeException e) {
                return true;
            }
        });
        return all;
    }

    private static void collect(Object job, List<Object> into) {
        into.add(job);
        try {
            Field field = job.getClass().getDeclaredField("children");
            field.setAccessible(true);
            List<?> children;
            synchronized (field.get(job)) {
                children = new ArrayList<>((List<?>) field.get(job));
            }
            for (Object child : children) {
                collect(child, into);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a Gogo without nested jobs
        }
    }

    static int id(Object job) throws ReflectiveOperationException {
        return (Integer) ConsoleControl.invoke(job, "id");
    }

    static String command(Object job) throws ReflectiveOperationException {
        return String.valueOf(ConsoleControl.invoke(job, "command")).strip();
    }

    /** {@code jobs} and {@code kill}, as Gogo commands. */
    public final class Commands {
        /** Lists the jobs that have not ended: id, status, command. */
        public String jobs() throws ReflectiveOperationException {
            List<Object> jobs = running();
            StringBuilder b = new StringBuilder();
            for (Object job : jobs) {
                if (String.valueOf(ConsoleControl.invoke(job, "command")).strip().equals("jobs")) {
                    continue;
                }
                b.append(String.format("[%d] %-10s %s%n", id(job), ConsoleControl.invoke(job, "status"),
                        command(job)));
            }
            return b.isEmpty() ? "no jobs" : b.toString().stripTrailing();
        }

        /** Stops job N ({@code kill N}, or {@code kill '%N'}) as Ctrl-C stops a foreground command. */
        public String kill(String spec) throws ReflectiveOperationException {
            // Gogo reads a bare %N as arithmetic: kill N, or kill '%N'
            String digits = spec.startsWith("%") ? spec.substring(1) : spec;
            int wanted;
            try {
                wanted = Integer.parseInt(digits.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("kill: give a job number N or '%N' (jobs lists them), not '" + spec
                        + "'");
            }
            for (Object job : running()) {
                if (id(job) == wanted) {
                    if (!ConsoleControl.interruptCommands(job)) {
                        ConsoleControl.invoke(job, "interrupt");
                    }
                    return "[" + wanted + "] interrupted: " + command(job);
                }
            }
            throw new IllegalArgumentException("kill: no job " + spec + "; " + jobs());
        }

        @Override
        public String toString() {
            return "jobs, kill";
        }
    }
}
