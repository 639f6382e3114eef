package pcmshare.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Starts Apache Felix with the bundles the run descriptor {@code pcmshare.bndrun}
 * resolved, then either hands the console to the Gogo shell or runs one command
 * line and exits with its outcome.
 *
 * <pre>
 * java -jar pcmshare.jar                  interactive Gogo shell
 * java -jar pcmshare.jar exec 'LINE'      run LINE once; exit 0, or 1 when it failed
 * </pre>
 *
 * The launcher sees the framework only through the OSGi core API on its class
 * path; the Gogo and SCR services it drives are reached reflectively, so that
 * their packages stay owned by their bundles.
 */
public final class Launcher {
    static final String VENDOR = "pcmshare";
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    private static final String WELCOME = """
            pcmshare is running. To see what it is for, in a few seconds: pcmshare:demo
            Cards and substreams: pcm:cards, pcm:list; sharing backends: share:backends, share:list.
            'help' lists every command, 'help pcm:play' one of them; Ctrl-C stops a command; 'exit' leaves.
            While it runs, ./pcmshare exec 'LINE' runs LINE here (on the same configuration folder).""";
    /** The files of the configuration folder that become configurations. */
    static final String CONFIG_FILES = ".*\\.(cfg|config)";
    static final int EXIT_OK = 0;
    static final int EXIT_COMMAND_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_START_FAILED = 3;

    // SCR's ComponentConfigurationDTO states
    private static final int SATISFIED = 4;
    private static final int ACTIVE = 8;
    private static final int FAILED_ACTIVATION = 16;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    private Launcher() {
        // Gogo replaces System.out/err with per-thread streams once it runs: keep the real ones.
        this.out = System.out;
        this.err = System.err;
        this.in = System.in;
    }

    public static void main(String[] args) {
        System.exit(new Launcher().run(args));
    }

    int run(String[] args) {
        String commandLine = null;
        if (args.length > 0) {
            switch (args[0]) {
                case "exec" -> {
                    if (args.length < 2 || args[1].isBlank()) {
                        err.println("pcmshare exec: missing command line, e.g. pcmshare exec 'lb'");
                        return EXIT_USAGE;
                    }
                    commandLine = String.join(" ", List.of(args).subList(1, args.length));
                }
                case "shell" -> { }
                case "-h", "--help", "help" -> {
                    out.println(usage());
                    return EXIT_OK;
                }
                default -> {
                    err.println("pcmshare: unknown argument '" + args[0] + "'\n" + usage());
                    return EXIT_USAGE;
                }
            }
        }
        boolean interactive = commandLine == null;
        Path socket = ExecSocket.socketFor(confDir(), System.getenv());
        if (!interactive && !"new".equals(System.getenv("PCMSHARE_EXEC"))) {
            // the interactive container on the same configuration folder runs it, when one runs
            Integer status = ExecSocket.run(socket, commandLine, out, err);
            if (status != null) {
                return status;
            }
        }

        Framework framework;
        Path storage;
        try {
            storage = Files.createTempDirectory("pcmshare-felix-");
            framework = startFramework(storage, interactive);
        } catch (Exception e) {
            err.println("pcmshare: the container did not start: " + e);
            return EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework, storage), "pcmshare-shutdown"));

        try {
            if (interactive) {
                // The console goes to Gogo only once the container is ready, after a word on where to start.
                awaitComponents(framework.getBundleContext(), readyTimeoutMillis());
                ConsoleControl control = new ConsoleControl(framework, out);
                try {
                    control.install();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    err.println("pcmshare: Ctrl-C will end the container: " + e);
                }
                try (ExecSocket server = serveExec(framework.getBundleContext(), socket)) {
                    out.println(WELCOME);
                    startBundle(framework.getBundleContext(), GOGO_SHELL);
                    // The Gogo shell owns the console; 'exit' and 'shutdown' stop the framework.
                    awaitStop(framework);
                }
                return control.exitStatus();
            }
            awaitComponents(framework.getBundleContext(), readyTimeoutMillis());
            return new GogoExec(framework.getBundleContext(), commandLine, null, out, err).run();
        } finally {
            stop(framework, storage);
        }
    }

    /**
     * Lets {@code pcmshare exec} run its lines here rather than in a second container; null when
     * another interactive container on this configuration folder already does, or no socket can be made.
     */
    private ExecSocket serveExec(BundleContext context, Path socket) {
        try {
            ExecSocket server = ExecSocket.serve(socket, (line, terminal, o, e) -> new GogoExec(context, line,
                    terminal, o, e));
            if (server == null) {
                err.println("pcmshare: another container on this configuration folder answers 'pcmshare exec'; "
                        + "this one does not");
            }
            return server;
        } catch (IOException | RuntimeException e) {
            err.println("pcmshare: 'pcmshare exec' will start a container of its own: no socket at " + socket
                    + ": " + e.getMessage());
            return null;
        }
    }

    private static String usage() {
        return """
                usage: pcmshare                 open the Gogo shell (type 'help' for commands, 'exit' to leave)
                       pcmshare exec 'LINE'     run one Gogo command line and exit with its outcome: in the
                                                interactive container on the same configuration folder when
                                                one runs (PCMSHARE_EXEC=new: in a container of its own)""";
    }

    private Framework startFramework(Path storage, boolean interactive) throws BundleException, IOException {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put("felix.log.level", "1");
        props.put("ds.loglevel", "warn");
        props.put("felix.cm.loglevel", "1");
        props.put("gosh.args", interactive ? "" : "--nointeractive");
        // lets 'pcmshare exec' and the itest read where the container came from
        props.put("pcmshare.bundles", bundleDir().toString());
        // the configuration folder: read at start, watched while running
        Path conf = confDir();
        if (Files.isDirectory(conf)) {
            props.put("felix.fileinstall.dir", conf.toString());
            props.put("felix.fileinstall.filter", CONFIG_FILES);
            props.put("felix.fileinstall.noInitialDelay", "true");
            props.put("felix.fileinstall.poll", "1000");
            props.put("felix.fileinstall.log.level", "2");
            // The folder is the user's: FileInstall must not write configurations back into it. It
            // would rewrite every file at each start, and a file being rewritten by one container
            // reads as empty to another on the same folder.
            props.put("felix.fileinstall.enableConfigSave", "false");
        } else {
            err.println("pcmshare: no configuration folder at " + conf + ": no cards are configured");
        }

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(props);
        framework.init();
        BundleContext context = framework.getBundleContext();

        List<Bundle> installed = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> files = Files.list(bundleDir())) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no bundles in " + bundleDir() + " (build with ./pcmshare build)");
        }
        for (Path jar : jars) {
            installed.add(context.installBundle(jar.toUri().toString()));
        }
        framework.start();
        for (Bundle b : installed) {
            boolean console = interactive && GOGO_SHELL.equals(b.getSymbolicName());
            if (!console && (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                b.start();
            }
        }
        return framework;
    }

    private void startBundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                try {
                    b.start();
                } catch (BundleException e) {
                    err.println("pcmshare: " + symbolicName + " did not start: " + e.getMessage());
                }
            }
        }
    }

    private static Path bundleDir() {
        String configured = System.getProperty("pcmshare.bundles");
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().resolve("export").resolve("pcmshare");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The folder of ConfigAdmin configurations ({@code PID.cfg}, {@code FACTORYPID-NAME.cfg},
     * or the typed {@code .config} format): the system property {@code pcmshare.conf},
     * else {@code PCMSHARE_CONF}, else {@code app/conf} beside the build.
     */
    private static Path confDir() {
        String configured = System.getProperty("pcmshare.conf", System.getenv("PCMSHARE_CONF"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        try {
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().resolve("conf");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long readyTimeoutMillis() {
        return TimeUnit.SECONDS.toMillis(Long.getLong("pcmshare.ready.timeout", 30));
    }

    /**
     * Waits until every pcmshare bundle is ACTIVE and each of its components is
     * satisfied or active, so that a command does not run against a container
     * that SCR is still activating. After the timeout it says what is missing
     * and lets the command run anyway: it may be the command that diagnoses it.
     */
    private void awaitComponents(BundleContext context, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> missing = List.of();
        while (System.nanoTime() < deadline) {
            missing = notReady(context);
            if (missing.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        err.println("pcmshare: after " + timeoutMillis / 1000 + " s these are still not active:");
        missing.forEach(m -> err.println("  " + m));
    }

    private static List<String> notReady(BundleContext context) {
        List<String> missing = new ArrayList<>(unappliedConfigurations(context));
        List<Bundle> ours = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (VENDOR.equals(b.getHeaders("").get(Constants.BUNDLE_VENDOR))) {
                ours.add(b);
                if (b.getState() != Bundle.ACTIVE) {
                    missing.add("bundle " + b.getSymbolicName() + " is not ACTIVE (state " + b.getState() + ")");
                }
            }
        }
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime");
        if (ref == null) {
            missing.add("Declarative Services (SCR) is not running");
            return missing;
        }
        Object scr = context.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass("org.osgi.service.component.runtime.ServiceComponentRuntime");
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Class<?> descriptionType = ref.getBundle()
                    .loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
            Method configurations = api.getMethod("getComponentConfigurationDTOs", descriptionType);
            Method enabled = api.getMethod("isComponentEnabled", descriptionType);
            for (Object d : (Iterable<?>) descriptions.invoke(scr, (Object) ours.toArray(Bundle[]::new))) {
                if (!(Boolean) enabled.invoke(scr, d)) {
                    continue;
                }
                String name = (String) descriptionType.getField("name").get(d);
                for (Object c : (Iterable<?>) configurations.invoke(scr, d)) {
                    int state = c.getClass().getField("state").getInt(c);
                    // a failed activation is final until its configuration changes: SCR logged why
                    if (state != SATISFIED && state != ACTIVE && state != FAILED_ACTIVATION) {
                        missing.add("component " + name + " (SCR state " + state + ")");
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            missing.add("cannot inspect SCR: " + e);
        } finally {
            context.ungetService(ref);
        }
        return missing;
    }

    /**
     * The files of the configuration folder that FileInstall has not yet turned
     * into configurations: until it has, the cards they describe do not exist and
     * a command would not see them.
     */
    private static List<String> unappliedConfigurations(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null) {
            return List.of();
        }
        List<String> files;
        try (Stream<Path> list = Files.list(Path.of(dir))) {
            files = list.filter(p -> p.getFileName().toString().matches(CONFIG_FILES))
                    .map(p -> p.toUri().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("configuration folder " + dir + " unreadable: " + e.getMessage());
        }
        if (files.isEmpty()) {
            return List.of();
        }
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (ref == null) {
            return List.of("ConfigurationAdmin is not running");
        }
        Object cm = context.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Object[] configs = (Object[]) api.getMethod("listConfigurations", String.class)
                    .invoke(cm, "(felix.fileinstall.filename=*)");
            List<String> applied = new ArrayList<>();
            if (configs != null) {
                Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
                for (Object c : configs) {
                    var properties = (java.util.Dictionary<?, ?>) configType.getMethod("getProperties").invoke(c);
                    Object file = properties == null ? null : properties.get("felix.fileinstall.filename");
                    if (file != null) {
                        applied.add(Path.of(java.net.URI.create(file.toString())).toUri().toString());
                    }
                }
            }
            return files.stream().filter(f -> !applied.contains(f)).map(f -> "configuration " + f).toList();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return List.of("cannot inspect ConfigurationAdmin: " + e);
        } finally {
            context.ungetService(ref);
        }
    }

    private void awaitStop(Framework framework) {
        try {
            FrameworkEvent event;
            do {
                event = framework.waitForStop(0);
            } while (event.getType() == FrameworkEvent.STOPPED_UPDATE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void stop(Framework framework, Path storage) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING | Bundle.STOPPING)) != 0) {
                framework.stop();
                framework.waitForStop(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (BundleException | InterruptedException e) {
            System.err.println("pcmshare: framework did not stop cleanly: " + e);
        }
        if (Files.exists(storage)) {
            try (Stream<Path> tree = Files.walk(storage)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }
}
