package pcmshare.server.alsa;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The shell's {@code alsa:} commands, registered with Gogo's plain service
 * properties so that the server needs nothing but core.api:
 * {@code alsa:config [--default] [card]} prints the ALSA configuration for
 * ~/.asoundrc; {@code alsa:clients} lists the connected programs.
 */
@Component(service = Object.class, property = {"osgi.command.scope=alsa",
        "osgi.command.function=config", "osgi.command.function=clients"})
public final class AlsaCommands {

    private final AlsaServer server;

    @Activate
    public AlsaCommands(@Reference AlsaServer server) {
        this.server = server;
    }

    /** alsa:config: the configuration, with the default card Loopback. */
    public String config() {
        return AlsaConfigText.render(server.socketPath(), AlsaConfigText.DEFAULT_CARD, false);
    }

    /** alsa:config CARD, or alsa:config --default [CARD] to make pcmshare ALSA's default device too. */
    public String config(String... args) {
        boolean asDefault = false;
        String card = AlsaConfigText.DEFAULT_CARD;
        for (String a : args) {
            if (a.equals("--default")) {
                asDefault = true;
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException("alsa:config: unknown option " + a
                        + "; usage: alsa:config [--default] [CARD]");
            } else {
                card = a;
            }
        }
        return AlsaConfigText.render(server.socketPath(), card, asDefault);
    }

    /** alsa:clients: one line a connected program: pid, uid, program, preset and PCM. */
    public String clients() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-8s %-6s %-16s %-8s %s%n", "PID", "UID", "PROGRAM", "PRESET", "PCM"));
        for (Client c : server.clients()) {
            if (c.peer() == null || c.request() == null) {
                continue;
            }
            b.append(String.format("%-8d %-6d %-16s %-8s %s %s%n", c.peer().pid(), c.peer().uid(), c.program(),
                    c.preset() == null ? "-" : c.preset(), c.request().name(),
                    c.request().direction().name().toLowerCase(java.util.Locale.ROOT)));
        }
        b.append(server.serving() ? "socket " : "not serving: another server answers on ").append(server.socketPath())
                .append(", policy: ").append(server.policy());
        return b.toString();
    }
}
