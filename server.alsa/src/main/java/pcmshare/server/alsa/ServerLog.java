package pcmshare.server.alsa;

import org.osgi.service.log.Logger;

/**
 * Where the server's lines go: the OSGi log under this bundle's name when the
 * container has one, else {@link System.Logger} (tests, a core without a log).
 */
interface ServerLog {

    void info(String message);

    /** What a client did wrong that is its own business (EPIPE, EINVAL …): for whoever looks closely. */
    void debug(String message);

    void warn(String message, Throwable t);

    static ServerLog of(Logger osgi) {
        if (osgi == null) {
            return system();
        }
        return new ServerLog() {
            @Override
            public void info(String message) {
                osgi.info(message);
            }

            @Override
            public void debug(String message) {
                osgi.debug(message);
            }

            @Override
            public void warn(String message, Throwable t) {
                if (t == null) {
                    osgi.warn(message);
                } else {
                    osgi.warn(message, t);
                }
            }
        };
    }

    static ServerLog system() {
        System.Logger log = System.getLogger("pcmshare.server.alsa");
        return new ServerLog() {
            @Override
            public void info(String message) {
                log.log(System.Logger.Level.INFO, message);
            }

            @Override
            public void debug(String message) {
                log.log(System.Logger.Level.DEBUG, message);
            }

            @Override
            public void warn(String message, Throwable t) {
                log.log(System.Logger.Level.WARNING, message, t);
            }
        };
    }
}
