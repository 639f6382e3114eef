package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's side against a client in another JVM, the way an ALSA application connects. */
class CrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void aClientProcessIsIdentifiedAttachesARemovedSegmentAndPollsAPassedEventFd() throws Exception {
        Path sock = dir.resolve("x.sock");
        int shmid = SysVShm.create(4096, 0600);
        MemorySegment shm = SysVShm.attach(shmid, 4096);
        SysVShm.remove(shmid); // no segment outlives its users
        shm.set(JAVA_INT, 0, 42);
        Process child = null;
        try (UnixServerSocket server = UnixServerSocket.bind(sock, 4, 0600); EventFd poll = EventFd.create()) {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), ChildClient.class.getName(), sock.toString(),
                    Integer.toString(shmid)).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                    .start();
            try (UnixConnection c = server.accept(20_000)) {
                assertThat(c).as("the child connected").isNotNull();
                assertThat(c.peerCred()).isEqualTo(new UnixConnection.PeerCred((int) child.pid(), Proc.uid(), Proc.gid()));
                assertThat(Fds.procComm((int) child.pid())).isEqualTo("java");

                assertThat(c.readByte(20_000)).isEqualTo('A');
                assertThat(shm.get(JAVA_INT, 4)).as("the child wrote through its attachment").isEqualTo(43);
                SysVShm.Stat s = SysVShm.stat(shmid);
                assertThat(s.nattch()).isEqualTo(2);
                assertThat(s.markedForDestruction()).isTrue();
                assertThat(s.lpid()).as("last shmat by the child").isEqualTo((int) child.pid());

                poll.setPollOut(false);
                c.sendByteWithFd('F', poll.fd());
                assertThat(c.readByte(20_000)).as("the child's poll revents").isEqualTo(Poll.POLLIN);
            }
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(java.nio.file.Files.readString(dir.resolve("child.log"))).isZero();
            assertThat(SysVShm.stat(shmid).nattch()).isEqualTo(1);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            SysVShm.detach(shm);
        }
        assertThat(SysVShm.exists(shmid)).isFalse();
    }
}
