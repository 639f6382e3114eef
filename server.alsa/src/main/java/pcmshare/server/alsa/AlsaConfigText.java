package pcmshare.server.alsa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The ALSA configuration a user puts in ~/.asoundrc to reach the server: a
 * {@code server.pcmshare} with the socket and a {@code pcmshare} PCM taking CARD,
 * DEV and SUB like {@code hw} does, optionally {@code pcm.!default}. The text lives
 * in one resource, which {@code ./pcmshare alsa-config} prints too.
 */
final class AlsaConfigText {

    static final String DEFAULT_CARD = "Loopback";

    private AlsaConfigText() {
    }

    static String render(Path socket, String card, boolean asDefault) {
        String text = resource("asoundrc.conf").replace("@SOCKET@", socket.toAbsolutePath().toString())
                .replace("@CARD@", card);
        return asDefault ? text + resource("asoundrc-default.conf") : text;
    }

    private static String resource(String name) {
        try (InputStream in = AlsaConfigText.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("pcmshare.server.alsa: resource " + name + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
