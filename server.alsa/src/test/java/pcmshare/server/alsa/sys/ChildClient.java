package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A client in another process, as alsa-lib's shm plugin is one: connects, attaches the
 * segment the server already marked IPC_RMID, answers through it, and reports what
 * poll(2) says about the eventfd it receives.
 */
public final class ChildClient {
    private ChildClient() {
    }

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int shmid = Integer.parseInt(args[1]);
        try (UnixConnection c = UnixConnection.connect(path)) {
            MemorySegment shm = SysVShm.attach(shmid, 4096);
            shm.set(JAVA_INT, 4, shm.get(JAVA_INT, 0) + 1);
            c.writeByte('A'); // attached and answered
            UnixConnection.Received r = c.receiveByteWithFd(10_000);
            short[] revents = new short[1];
            Poll.poll(new int[] {r.fd()}, new short[] {(short) (Poll.POLLIN | Poll.POLLOUT)}, revents, 0);
            c.writeByte(revents[0]);
            Fds.close(r.fd());
            c.readByte(10_000); // the server closes
            SysVShm.detach(shm);
        }
    }
}
