package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.server.alsa.sys.Fds;
import pcmshare.server.alsa.sys.SysVShm;
import pcmshare.server.alsa.sys.UnixConnection;

/**
 * A client that dies, hangs or sends garbage costs only its own connection: while
 * an owner's aplay plays to arecord, clients are killed mid-stream, send garbage
 * commands, announce a name they never send and ask for commands that do not
 * exist; the owner's recording stays bit-exact and descriptors, threads and SysV
 * segments return to where they were.
 */
class FaultsTest {

    private ServerRig rig;
    private Path in;
    private Path out;
    private byte[] played;
    private Process rec;
    private Process owner;
    private int fdsBefore;
    private int threadsBefore;
    private int segmentsBefore;

    @BeforeEach
    void ownerPlays() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/aplay")), "alsa-utils is not installed");
        rig = new ServerRig();
        fdsBefore = Fds.openFdCount();
        threadsBefore = serverThreads();
        segmentsBefore = segments();
        played = Wav.noise(11, 3 * 48000, 4);
        in = rig.dir.resolve("in.wav");
        Wav.write(in, 16, 48000, 2, played);
        out = rig.dir.resolve("out.wav");
        rec = rig.start(List.of("arecord", "-D", "pcmshare:Loopback,1,0", "-f", "S16_LE", "-r", "48000", "-c",
                "2", "-d", "4", out.toString()));
        rig.awaitRunning(pcmshare.core.api.pcm.Direction.CAPTURE);
        owner = rig.start(List.of("aplay", "-D", "pcmshare:Loopback,0,0", in.toString()));
    }

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void hundredClientsKilledAtAnyMoment_whileAnotherPlays_costOnlyThemselves() {
        Random random = new Random(5);
        int midStream = 0;
        for (int i = 0; i < 100; i++) {
            awaitOnlyTheOwnersClients();
            Process p = rig.start(List.of("aplay", "-q", "-D", "pcmshare:Loopback,0,1", in.toString()));
            if (random.nextBoolean()) {
                // mid-stream: once its stream runs
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (p.isAlive() && System.nanoTime() < deadline && !running(p.pid())) {
                    LockSupport.parkNanos(200_000);
                }
                midStream += running(p.pid()) ? 1 : 0;
            }
            p.destroyForcibly();
            ServerRig.waitFor(p, 10);
        }
        assertThat(midStream).as("clients killed while their stream ran").isGreaterThan(30);
        ownerFinishesBitExact_andNothingIsLeft();
    }

    @Test
    void garbageCommandsAndUnknownOnes_areAnsweredOneByOne_andTheConnectionLivesOn() {
        try (UnixConnection c = UnixConnection.connect(rig.socket); Arena arena = Arena.ofConfined()) {
            int shmid = open(c, arena, "hw:Loopback,0,1", 0);
            MemorySegment ctrl = SysVShm.attach(shmid, ControlBlock.SIZE);
            try {
                ctrl.set(ValueLayout.JAVA_INT, ControlBlock.CMD, 0x7e57_0001);
                c.writeByte(0);
                assertThat(c.readByte(10_000)).isZero();
                assertThat(ctrl.get(ValueLayout.JAVA_LONG, ControlBlock.RESULT)).as("an unknown command")
                        .isEqualTo(-Errno.ENOSYS.code());
                Random random = new Random(9);
                byte[] junk = new byte[(int) ControlBlock.SIZE];
                for (int i = 0; i < 2000; i++) {
                    random.nextBytes(junk);
                    MemorySegment.copy(junk, 0, ctrl, ValueLayout.JAVA_BYTE, 0, junk.length);
                    if (i % 2 == 0) {
                        // a real command with a garbage argument
                        ctrl.set(ValueLayout.JAVA_INT, ControlBlock.CMD, REAL[random.nextInt(REAL.length)]);
                    }
                    c.writeByte(random.nextInt(256));
                    UnixConnection.Received r = c.receiveByteWithFd(10_000);
                    assertThat(r.value()).as("reply %d", i).isGreaterThanOrEqualTo(0);
                    if (r.fd() >= 0) {
                        Fds.close(r.fd());
                    }
                }
            } finally {
                SysVShm.detach(ctrl);
            }
        }
        ownerFinishesBitExact_andNothingIsLeft();
    }

    @Test
    void aNameOf255BytesNeverSent_isHungUpAfterTheHandshakeTime() {
        try (UnixConnection c = UnixConnection.connect(rig.socket); Arena arena = Arena.ofConfined()) {
            MemorySegment head = arena.allocate(5);
            head.set(ValueLayout.JAVA_BYTE, 4, (byte) 255);
            c.write(head);
            assertThat(c.readByte(10_000)).as("the server hangs up").isEqualTo(UnixConnection.EOF);
        }
        ownerFinishesBitExact_andNothingIsLeft();
    }

    @Test
    void aRequestForAControlDeviceOrAnotherTransport_isAnsweredWithAnError() {
        try (UnixConnection c = UnixConnection.connect(rig.socket); Arena arena = Arena.ofConfined()) {
            assertThat(answer(c, arena, 1, 0, "hw:Loopback")).isEqualTo(-Errno.ENODEV.code());
        }
        try (UnixConnection c = UnixConnection.connect(rig.socket); Arena arena = Arena.ofConfined()) {
            assertThat(answer(c, arena, 0, 1, "hw:Loopback")).isEqualTo(-Errno.EINVAL.code());
        }
        try (UnixConnection c = UnixConnection.connect(rig.socket); Arena arena = Arena.ofConfined()) {
            assertThat(answer(c, arena, 0, 0, "hw:NoSuchCard,0,0")).isEqualTo(-Errno.ENODEV.code());
        }
        ownerFinishesBitExact_andNothingIsLeft();
    }

    private boolean running(long pid) {
        return rig.server.clients().stream().anyMatch(c -> c.peer() != null && c.peer().pid() == pid
                && c.handle() != null && c.handle().state() == pcmshare.core.api.pcm.PcmState.RUNNING);
    }

    /** The owner's aplay and arecord, and no one else (a killed client's connection takes a moment to end). */
    private void awaitOnlyTheOwnersClients() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && rig.server.clients().stream()
                .anyMatch(c -> c.peer() != null && c.peer().pid() != owner.pid() && c.peer().pid() != rec.pid())) {
            LockSupport.parkNanos(200_000);
        }
    }

    private static final int[] REAL = {ControlBlock.HW_REFINE, ControlBlock.HW_PARAMS, ControlBlock.SW_PARAMS,
        ControlBlock.CHANNEL_INFO, ControlBlock.MMAP_COMMIT, ControlBlock.REWIND, ControlBlock.FORWARD,
        ControlBlock.START, ControlBlock.DRAIN, ControlBlock.PAUSE, ControlBlock.STATUS, ControlBlock.INFO,
        ControlBlock.POLL_DESCRIPTOR, ControlBlock.HW_PTR_FD, ControlBlock.LINK, ControlBlock.ASYNC};

    /** The handshake: answers the cookie (the control segment's id). */
    private static int open(UnixConnection c, Arena arena, String name, int stream) {
        long result = answer(c, arena, 0, 0, name, stream);
        assertThat(result).as("open %s", name).isZero();
        return lastCookie;
    }

    private static int lastCookie;

    private static long answer(UnixConnection c, Arena arena, int devType, int transport, String name) {
        return answer(c, arena, devType, transport, name, 0);
    }

    private static long answer(UnixConnection c, Arena arena, int devType, int transport, String name, int stream) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment req = arena.allocate(5 + n.length);
        req.set(ValueLayout.JAVA_BYTE, 0, (byte) devType);
        req.set(ValueLayout.JAVA_BYTE, 1, (byte) transport);
        req.set(ValueLayout.JAVA_BYTE, 2, (byte) stream);
        req.set(ValueLayout.JAVA_BYTE, 4, (byte) n.length);
        MemorySegment.copy(n, 0, req, ValueLayout.JAVA_BYTE, 5, n.length);
        c.write(req);
        MemorySegment ans = arena.allocate(Client.ANSWER_SIZE);
        assertThat(c.readFully(ans, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isEqualTo(Client.ANSWER_SIZE);
        lastCookie = ans.get(ValueLayout.JAVA_INT, 8);
        return ans.get(ValueLayout.JAVA_LONG, 0);
    }

    private void ownerFinishesBitExact_andNothingIsLeft() {
        rig.playedAndRecorded(owner, rec, out, played, 4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (!rig.server.clients().isEmpty() || serverThreads() > threadsBefore)) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(rig.server.clients()).as("clients").isEmpty();
        assertThat(rig.core.substreams()).as("open substreams").isEmpty();
        assertThat(serverThreads()).as("server threads").isEqualTo(threadsBefore);
        assertThat(segments()).as("SysV segments").isEqualTo(segmentsBefore);
        assertThat(Fds.openFdCount()).as("descriptors").isLessThanOrEqualTo(fdsBefore + 2);
    }

    static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("pcmshare-alsa-client")).count();
    }

    /** SysV shared-memory segments on the machine (/proc/sysvipc/shm, less its header). */
    static int segments() {
        try {
            return Files.readAllLines(Path.of("/proc/sysvipc/shm")).size() - 1;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
