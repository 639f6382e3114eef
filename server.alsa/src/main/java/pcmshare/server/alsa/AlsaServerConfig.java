package pcmshare.server.alsa;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The ALSA server's configuration (pid {@code pcmshare.server.alsa}). */
@ObjectClassDefinition(name = "pcmshare ALSA server",
        description = "Serves ALSA applications in other processes (aplay, arecord, sox, Java Sound) through"
                + " alsa-lib's shm plugin: they share the card's ring buffer, mapped from its memfd.")
@interface AlsaServerConfig {

    @AttributeDefinition(name = "socket", description = "The Unix socket clients connect to; empty:"
            + " $XDG_RUNTIME_DIR/pcmshare/alsa.sock, else /run/pcmshare/alsa.sock for root,"
            + " else /tmp/pcmshare-UID/alsa.sock")
    String socket() default "";

    @AttributeDefinition(name = "grants", description = "Who may connect, with which preset: rules uid:N=PRESET,"
            + " gid:N=PRESET or uid:*=PRESET, PRESET one of FULL, MONITOR, BUFFER, REFUSE; the first that matches"
            + " decides. When none matches, the container's own uid gets FULL and everyone else is refused.")
    String[] grants() default {};

    @AttributeDefinition(name = "handshakeMs", description = "Time a client has to send its open request,"
            + " in milliseconds (100-60000)", min = "100", max = "60000")
    int handshakeMs() default 2000;

    @AttributeDefinition(name = "maxClients", description = "Connections served at once (1-1024); one more is"
            + " answered EBUSY", min = "1", max = "1024")
    int maxClients() default 64;
}
