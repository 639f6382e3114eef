package pcmshare.server.alsa;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Map;

import pcmshare.core.api.pcm.PcmCore;

/**
 * The ALSA server without a framework, for programs that run a core of their own
 * on the plain class path (the benchmarks): the same {@link AlsaServer} the
 * component is, on {@code socket}, with the default policy (this process's uid gets
 * FULL, everyone else is refused), no anondup backend (restricted presets are
 * refused) and the log on {@link System.Logger}. Closing it stops serving as
 * deactivating the component does.
 */
public final class StandaloneServer implements AutoCloseable {

    private final AlsaServer server;
    private final Path socket;

    private StandaloneServer(AlsaServer server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Serves {@code core}'s cards on the Unix socket {@code socket} (its folder is made when missing). */
    public static StandaloneServer serve(PcmCore core, Path socket) {
        AlsaServerConfig config = config(socket.toAbsolutePath().toString(), new String[0], 2000, 64);
        return new StandaloneServer(new AlsaServer(core, config, Map.of(), null, ServerLog.system()), socket);
    }

    /** A configuration as ConfigurationAdmin would give the component, for servers made without a framework. */
    static AlsaServerConfig config(String socket, String[] grants, int handshakeMs, int maxClients) {
        return new AlsaServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AlsaServerConfig.class;
            }

            @Override
            public String socket() {
                return socket;
            }

            @Override
            public String[] grants() {
                return grants.clone();
            }

            @Override
            public int handshakeMs() {
                return handshakeMs;
            }

            @Override
            public int maxClients() {
                return maxClients;
            }
        };
    }

    /** The ALSA configuration (as {@code ./pcmshare alsa-config} prints it) whose {@code pcmshare} PCM reaches this server. */
    public String alsaConfig(String defaultCard) {
        return AlsaConfigText.render(socket, defaultCard, false);
    }

    /** The threads serving clients, the accepting one included, are named {@code pcmshare-alsa-*}. */
    public static final String THREAD_PREFIX = "pcmshare-alsa-";

    @Override
    public void close() {
        server.deactivate();
    }
}
