package pcmshare.app;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

import sun.misc.Signal;

/**
 * What a terminal expects of an interactive shell: Ctrl-C stops the command in
 * the foreground and gives the prompt back, as in a Unix shell, instead of
 * ending the JVM; {@code exit} (with or without a status) and {@code shutdown}
 * stop the container cleanly.
 *
 * <p>Gogo runs each command line as a job inside the job of the console ({@code gosh});
 * the console's session is learnt from Gogo's {@code CommandSessionListener} hook, and
 * an interrupt goes to the threads running the innermost foreground job. Gogo's types
 * belong to its bundle, so they are reached reflectively.
 */
final class ConsoleControl {
    private static final String RUNTIME = "org.apache.felix.gogo.runtime";
    private static final String LISTENER = "org.apache.felix.service.command.CommandSessionListener";
    private static final String JOB_LISTENER = "org.apache.felix.service.command.JobListener";
    private static final String DEFAULT_PROMPT = "g! ";

    private final Framework framework;
    private final PrintStream out;
    /**
     * Sessions that ran a command, with when each began its latest; weak, so a closed
     * session is forgotten. The console's session runs inside the session that started
     * the shell ({@code gosh}), whose foreground job is the console itself: the most
     * recent session with a foreground job is the one the person is typing into.
     */
    private final Map<Object, Long> sessions = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicLong commands = new AtomicLong();
    private volatile int exitStatus;

    ConsoleControl(Framework framework, PrintStream out) {
        this.framework = framework;
        this.out = out;
    }

    /** The status {@code exit N} asked for; 0 after {@code exit} or {@code shutdown}. */
    int exitStatus() {
        return exitStatus;
    }

    void install() throws ReflectiveOperationException {
        BundleContext context = framework.getBundleContext();
        Bundle runtime = null;
        for (Bundle b : context.getBundles()) {
            if (RUNTIME.equals(b.getSymbolicName())) {
                runtime = b;
            }
        }
        if (runtime == null) {
            throw new IllegalStateException("no Gogo runtime bundle");
        }
        Class<?> listenerType = runtime.loadClass(LISTENER);
        ShellJobs jobs = new ShellJobs(out, runtime.loadClass(JOB_LISTENER));
        InvocationHandler seen = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "pcmshare console control";
                };
            }
            if ("beforeExecute".equals(method.getName())) {
                sessions.put(args[0], commands.incrementAndGet());
                jobs.attach(args[0]);
            }
            return null;
        };
        Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, seen);
        context.registerService(LISTENER, listener, null);

        // scope gogo comes first in the shell's SCOPE, before the profile's 'system exit'
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "gogo");
        props.put("osgi.command.function", new String[] {"exit", "shutdown"});
        context.registerService(Object.class, new Commands(), props);
        Dictionary<String, Object> jobProps = new Hashtable<>();
        jobProps.put("osgi.command.scope", "gogo");
        jobProps.put("osgi.command.function", new String[] {"jobs", "kill"});
        context.registerService(Object.class, jobs.new Commands(), jobProps);

        Signal.handle(new Signal("INT"), signal -> interrupt());
    }

    /** Ctrl-C: interrupts the foreground job, or at the prompt starts a fresh line. */
    private void interrupt() {
        List<Map.Entry<Object, Long>> known;
        synchronized (sessions) {
            known = new ArrayList<>(sessions.entrySet());
        }
        known.sort(Map.Entry.<Object, Long>comparingByValue().reversed());
        for (Map.Entry<Object, Long> session : known) {
            try {
                Object job = invoke(session.getKey(), "foregroundJob");
                // that job is the console itself (gosh); a command typed runs as a job inside it
                Object command = job == null ? null : innermost(job);
                if (command != null && command != job) {
                    if (!interruptCommands(command)) {
                        invoke(command, "interrupt");
                    }
                    return;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a session closed meanwhile has no job to stop
            }
        }
        // the terminal discarded the line being typed: show the prompt again, as a shell does
        out.print(System.lineSeparator() + prompt(known.stream().map(Map.Entry::getKey).toArray()));
        out.flush();
    }

    /**
     * The job the person is waiting for: the console runs as the job of the session that
     * started the shell, and each line typed becomes a foreground job inside it.
     */
    static Object innermost(Object job) {
        try {
            java.lang.reflect.Field field = job.getClass().getDeclaredField("children");
            field.setAccessible(true);
            List<?> children;
            synchronized (field.get(job)) {
                children = new ArrayList<>((List<?>) field.get(job));
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                Object child = children.get(i);
                if ("Foreground".equals(String.valueOf(invoke(child, "status")))) {
                    return innermost(child);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a Gogo without job children: the job itself is the innermost
        }
        return job;
    }

    /**
     * Interrupts the threads running the job's commands, not the job's controller: a
     * command stopped that way ends as it chooses (pcm:play says how far it got), where an
     * interrupted controller would discard its result for a bare InterruptedException.
     * Gogo names a command's thread {@code pipe-STATEMENT}, as its Pipe prints itself
     * {@code pipe<STATEMENT> out=...}; that is how the two are matched.
     */
    static boolean interruptCommands(Object job) throws ReflectiveOperationException {
        Set<String> names = new HashSet<>();
        for (Object process : (Iterable<?>) invoke(job, "processes")) {
            String text = String.valueOf(process);
            int end = text.lastIndexOf("> out=");
            if (text.startsWith("pipe<") && end > 0) {
                names.add("pipe-" + text.substring("pipe<".length(), end));
            }
        }
        boolean any = false;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.contains(t.getName())) {
                t.interrupt();
                any = true;
            }
        }
        return any;
    }

    static String prompt(Object[] sessions) {
        for (Object session : sessions) {
            try {
                Object p = session.getClass().getMethod("get", String.class).invoke(session, "prompt");
                if (p != null) {
                    return p.toString();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall back on Gogo's default prompt
            }
        }
        return DEFAULT_PROMPT;
    }

    static Object invoke(Object target, String name) throws ReflectiveOperationException {
        Method m = findPublic(target.getClass(), name);
        return m.invoke(target);
    }

    /** The method as declared by a public interface, so that a private implementation class can be called. */
    private static Method findPublic(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    return i.getMethod(name);
                } catch (NoSuchMethodException e) {
                    // not declared by this interface
                }
            }
        }
        return type.getMethod(name);
    }

    /** Stops the framework on a thread of its own: the console thread running the command must not wait for it. */
    private void stopContainer(int status) {
        exitStatus = status;
        Thread stopper = new Thread(() -> {
            try {
                framework.stop();
            } catch (BundleException e) {
                System.err.println("pcmshare: the container did not stop: " + e.getMessage());
            }
        }, "pcmshare-exit");
        stopper.start();
    }

    /** {@code exit [N]} and {@code shutdown}, as Gogo commands. */
    public final class Commands {
        /** Leaves the shell and stops the container, exit status 0. */
        public void exit() {
            stopContainer(0);
        }

        /** Leaves the shell and stops the container with exit status {@code status}. */
        public void exit(int status) {
            stopContainer(status);
        }

        /** Stops the container, exit status 0. */
        public void shutdown() {
            stopContainer(0);
        }

        @Override
        public String toString() {
            return "exit, shutdown";
        }
    }
}
