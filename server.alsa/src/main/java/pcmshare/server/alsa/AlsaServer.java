package pcmshare.server.alsa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import pcmshare.core.api.driver.DriverConfiguration;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.server.alsa.sys.Libc;
import pcmshare.server.alsa.sys.SyscallException;
import pcmshare.server.alsa.sys.UnixConnection;
import pcmshare.server.alsa.sys.UnixServerSocket;

/**
 * The ALSA server: accepts alsa-lib shm clients on a Unix socket and serves each
 * on a thread of its own through the {@link PcmCore}. Stopping it (the bundle, the
 * core, a new configuration) disconnects every client, whose next call fails, and
 * leaves no thread, fd, segment or socket file behind.
 */
@Component(service = AlsaServer.class, configurationPid = AlsaServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AlsaServerConfig.class)
public final class AlsaServer {

    static final String PID = "pcmshare.server.alsa";

    private final PcmCore core;
    private final Path socketPath;
    private final Policy policy;
    private final int maxClients;
    private final long handshakeNanos;
    private final UnixServerSocket socket;
    private final Thread acceptor;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Map<Client, Thread> threads = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final ServerLog log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AnonDup anonDup;

    /** The framework property that moves the default socket (e.g. for a test framework beside a container). */
    static final String SOCKET_PROPERTY = "pcmshare.alsa.socket";

    @Activate
    public AlsaServer(@Reference PcmCore core, AlsaServerConfig config, Map<String, Object> properties,
            BundleContext context, @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.RELUCTANT) Logger logger) {
        this(core, config, properties, context.getProperty(SOCKET_PROPERTY), ServerLog.of(logger));
    }

    AlsaServer(PcmCore core, AlsaServerConfig config, Map<String, Object> properties, String defaultSocket,
            ServerLog log) {
        this.core = core;
        this.log = log;
        DriverConfiguration.checkValues(AlsaServerConfig.class, properties);
        Set<String> unknown = DriverConfiguration.unknownKeys(AlsaServerConfig.class, properties);
        if (!unknown.isEmpty()) {
            log.warn("pcmshare.server.alsa: unknown configuration keys " + unknown + " ignored; known: "
                    + DriverConfiguration.knownKeys(AlsaServerConfig.class), null);
        }
        if (!Libc.available()) {
            throw new IllegalStateException("pcmshare.server.alsa: serving ALSA clients needs Linux on x86_64 ("
                    + Libc.unavailableCause() + "); not serving");
        }
        LayoutCheck.Result layout = LayoutCheck.run();
        if (!layout.agrees()) {
            throw new IllegalStateException("pcmshare.server.alsa: the shm control block does not match "
                    + layout.against() + ": " + layout.mismatches() + "; not serving");
        }
        this.policy = Policy.of(config.grants(), ownUid());
        this.maxClients = config.maxClients();
        this.handshakeNanos = TimeUnit.MILLISECONDS.toNanos(config.handshakeMs());
        this.socketPath = !config.socket().isBlank() ? Path.of(config.socket())
                : defaultSocket != null && !defaultSocket.isBlank() ? Path.of(defaultSocket) : defaultSocket();
        makeParent(socketPath);
        this.socket = bindUnlessServed(socketPath, log);
        this.acceptor = Thread.ofPlatform().name("pcmshare-alsa-accept").daemon().unstarted(this::acceptLoop);
        if (socket != null) {
            acceptor.start();
            log.info("pcmshare.server.alsa: serving ALSA clients on " + socketPath + " (" + policy + ")");
        }
    }

    /** $XDG_RUNTIME_DIR/pcmshare/alsa.sock, else /run/pcmshare/alsa.sock for root, else /tmp/pcmshare-UID/alsa.sock. */
    static Path defaultSocket() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "pcmshare", "alsa.sock");
        }
        int uid = ownUid();
        return uid == 0 ? Path.of("/run/pcmshare/alsa.sock") : Path.of("/tmp/pcmshare-" + uid, "alsa.sock");
    }

    static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * The listening socket, or null when another server (another container) already
     * answers there: that one serves, and this one says so once instead of failing.
     */
    private static UnixServerSocket bindUnlessServed(Path path, ServerLog log) {
        try {
            return UnixServerSocket.bind(path, 16, 0666);
        } catch (SyscallException e) {
            if (!"EADDRINUSE".equals(e.name()) || !Files.exists(path)) {
                throw e;
            }
            log.warn("pcmshare.server.alsa: not serving ALSA clients: another server answers on " + path
                    + " (another container?); give this one its own socket= in pcmshare.server.alsa to serve too", null);
            return null;
        }
    }

    /** Whether this server listens (false when another one already served its socket). */
    boolean serving() {
        return socket != null;
    }

    private static void makeParent(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            // others must reach the socket for the policy to answer them; the policy decides, not the folder
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new IllegalStateException("pcmshare.server.alsa: cannot make the socket's folder " + dir + ": " + e,
                    e);
        }
    }

    private void acceptLoop() {
        while (!stopping) {
            UnixConnection c;
            try {
                c = socket.accept(-1);
            } catch (RuntimeException e) {
                if (!stopping) {
                    log.warn("pcmshare.server.alsa: accept failed on " + socketPath, e);
                }
                return;
            }
            if (c == null) {
                continue;
            }
            Client client = new Client(this, c, handshakeNanos);
            if (clients.size() >= maxClients) {
                log.warn("pcmshare.server.alsa: " + maxClients + " clients already; refusing one more", null);
                Client.refuseAtOnce(c, Errno.EBUSY, log);
                continue;
            }
            clients.add(client);
            Thread t = Thread.ofPlatform().name("pcmshare-alsa-client").daemon().unstarted(client);
            threads.put(client, t);
            t.start();
        }
    }

    /** Opens what the client asked for, as its preset allows: a substream of its own, or a restricted dup. */
    void open(Client client) {
        Client.Request r = client.request();
        PcmName name = PcmName.parse(r.name());
        CardInfo card = name.resolve(core.cards());
        if (client.preset() == Preset.FULL) {
            PcmSubstream h = core.open(card.id(), name.device(), r.direction(), name.subdevice(), true,
                    client.holder());
            client.opened(card, h, null);
            return;
        }
        AnonDup dups = anonDup;
        if (dups == null) {
            throw new ErrnoException(Errno.EPERM, "open", null, client.preset(),
                    "a restricted client needs the anondup backend, which is not running");
        }
        Client full = fullClientOf(card.id(), name, r.direction());
        PcmSubstream owner = full == null ? null : full.handle();
        PcmSubstream own = null;
        if (owner == null) {
            own = core.open(card.id(), name.device(), r.direction(), name.subdevice(), true,
                    client.holder() + " (held for its " + client.preset() + " dup)");
            owner = own;
        }
        try {
            client.opened(card, dups.dup(owner, client.preset(), client.holder()), own);
            client.dupOf(full == null ? "a substream opened for it" : full.holder());
        } catch (RuntimeException e) {
            if (own != null) {
                own.close();
            }
            throw e;
        }
    }

    /** The handle of a FULL client of this server on that substream (any substream of the device for SUB -1). */
    private Client fullClientOf(String cardId, PcmName name, Direction d) {
        for (Client c : clients) {
            PcmSubstream h = c.handle();
            if (c.preset() == Preset.FULL && h != null && h.cardId().equals(cardId) && h.device() == name.device()
                    && h.direction() == d && (name.subdevice() < 0 || h.subdevice() == name.subdevice())) {
                return c;
            }
        }
        return null;
    }

    int freeSubstreams(String cardId, PcmDeviceInfo dev, Direction d) {
        long open = core.substreams().stream().filter(s -> s.cardId().equals(cardId) && s.device() == dev.device()
                && s.direction() == d).map(SubstreamInfo::subdevice).distinct().count();
        return (int) Math.max(0, dev.substreams(d) - open);
    }

    /** For tests without DS: the anondup backend restricted clients are served through. */
    void anonDup(AnonDup a) {
        anonDup = a;
    }

    ServerLog log() {
        return log;
    }

    Policy policy() {
        return policy;
    }

    boolean stopping() {
        return stopping;
    }

    Path socketPath() {
        return socketPath;
    }

    List<Client> clients() {
        return new ArrayList<>(clients);
    }

    void gone(Client client) {
        clients.remove(client);
        threads.remove(client);
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        if (socket == null) {
            return;
        }
        socket.wakeup();
        socket.close();
        for (Client c : clients) {
            c.disconnect();
        }
        join(acceptor);
        for (Thread t : new ArrayList<>(threads.values())) {
            join(t);
        }
        log.info("pcmshare.server.alsa: stopped serving on " + socketPath);
    }

    private void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
            if (t.isAlive()) {
                log.warn("pcmshare.server.alsa: " + t.getName() + " did not end within 5 s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
