package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pcmshare.server.alsa.sys.UnixConnection;

/**
 * A second container on the same socket (two containers started on one machine)
 * leaves the first one serving and says so once, instead of failing or taking the
 * socket over; stopping it touches nothing of the first.
 */
class SecondServerTest {

    @Test
    void aSecondServerOnALiveSocket_doesNotServe_andLeavesTheFirstServing() {
        try (ServerRig rig = ServerRig.manual()) {
            AlsaServer second = new AlsaServer(rig.core, ServerRig.config(rig.socket.toString(), new String[0], 300),
                    Map.of(), null, ServerLog.system());
            assertThat(second.serving()).isFalse();
            assertThat(rig.server.serving()).isTrue();
            second.deactivate();
            assertThat(Files.exists(rig.socket)).as("the first server's socket").isTrue();
            try (UnixConnection c = UnixConnection.connect(rig.socket)) {
                assertThat(c.peerHungUp()).as("the first server still accepts").isFalse();
            }
        }
    }
}
