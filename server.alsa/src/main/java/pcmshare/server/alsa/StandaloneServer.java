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
        String path = socket.toAbsolutePath().toString();
        AlsaServerConfig config = new AlsaServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AlsaServerConfig.class;
            }

            @Override
            public String socket() {
                return path;
            }

            @Override
            public String[] grants() {
                return new String[0];
            }

            @Override
            public int handshake__ms() {
                return 2000;
            }

            @Override
            public int max__clients() {
                return 64;
            }
        };
        return new StandaloneServer(new AlsaServer(core, config, Map.of(), null, ServerLog.system()), socket);
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
