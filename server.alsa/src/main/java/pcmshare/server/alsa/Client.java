package pcmshare.server.alsa;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.Optional;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.server.alsa.sys.PollDescriptor;
import pcmshare.server.alsa.sys.Fds;
import pcmshare.server.alsa.sys.SysVShm;
import pcmshare.server.alsa.sys.UnixConnection;
import pcmshare.server.alsa.sys.UnixConnection.PeerCred;

/**
 * One connection, on its own thread: the handshake of snd_pcm_shm_open()
 * ({@code snd_client_open_request_t} in, {@code snd_client_open_answer_t} out),
 * bounded in time and size, then the {@link Session}. Whatever happens, the
 * connection ends with its handle, segment, eventfd and socket gone.
 */
final class Client implements Runnable {


    /** snd_client_open_request_t: dev_type, transport_type, stream, mode, namelen, then the name. */
    static final int REQUEST_HEADER = 5;
    static final int DEV_TYPE_PCM = 0;
    static final int TRANSPORT_SHM = 0;
    /** snd_client_open_answer_t: long result; int cookie; padded to 16. */
    static final int ANSWER_SIZE = 16;

    /** What the client asked to open. */
    record Request(Direction direction, int mode, String name) {
    }

    private final AlsaServer server;
    private final UnixConnection conn;
    private final long handshakeNanos;
    private volatile PeerCred peer;
    private volatile String program = "?";
    private volatile Request request;
    private volatile Preset preset;
    private volatile CardInfo card;
    private volatile PcmSubstream handle;
    private volatile PcmSubstream owned;
    private volatile Session session;
    private volatile String dupOf;

    Client(AlsaServer server, UnixConnection conn, long handshakeNanos) {
        this.server = server;
        this.conn = conn;
        this.handshakeNanos = handshakeNanos;
    }

    @Override
    public void run() {
        try {
            peer = conn.peerCred();
            program = Fds.procComm(peer.pid());
            Request r = readRequest(System.nanoTime() + handshakeNanos);
            if (r == null) {
                return;
            }
            request = r;
            Optional<Preset> p = server.policy().decide(peer.uid(), groups(peer.pid(), peer.gid()));
            if (p.isEmpty()) {
                info("{0}: refused by the policy ({1})", new Object[] {this, server.policy()});
                answer(-Errno.EPERM.code(), 0);
                return;
            }
            preset = p.get();
            try {
                server.open(this);
            } catch (ErrnoException e) {
                info("{0}: open refused: {1}", new Object[] {this, e.getMessage()});
                answer(-e.errno().code(), 0);
                return;
            }
            serve();
        } catch (RuntimeException e) {
            if (!server.stopping()) {
                server.log().debug(this + ": connection ended: " + e);
            }
        } finally {
            Session s = session;
            if (s != null) {
                s.close();
            } else {
                closeHandles();
            }
            conn.close();
            server.gone(this);
        }
    }

    /** The control segment, 0600 for the peer, marked for removal once the server has it attached. */
    private void serve() {
        int shmid = SysVShm.create(ControlBlock.SIZE, 0600);
        MemorySegment shm;
        try {
            SysVShm.setOwner(shmid, peer.uid(), peer.gid(), 0600);
            shm = SysVShm.attach(shmid, ControlBlock.SIZE);
        } finally {
            // Linux lets the client attach a segment already marked; it goes with the last detach
            SysVShm.remove(shmid);
        }
        PollDescriptor poll;
        try {
            poll = request.direction() == Direction.PLAYBACK ? PollDescriptor.forPlayback()
                    : PollDescriptor.forCapture();
        } catch (RuntimeException e) {
            SysVShm.detach(shm);
            throw e;
        }
        session = new Session(this, conn, shm, poll);
        answer(0, shmid);
        info("{0}: serving {1} as {2}{3}", new Object[] {this, request.name(), preset,
            dupOf == null ? "" : ", a dup of " + dupOf});
        session.run();
    }

    /** The request, or null (after an answer where one can be given) when it is not one. */
    private Request readRequest(long deadline) {
        try (Arena arena = Arena.ofConfined()) {
            return readRequest(arena, deadline);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ETIMEDOUT) {
                throw e;
            }
            info("{0}: no complete open request within the handshake time ({1}); hung up",
                    new Object[] {this, e.getMessage()});
            return null;
        }
    }

    private Request readRequest(Arena arena, long deadline) {
        MemorySegment head = arena.allocate(REQUEST_HEADER);
        if (conn.readFully(head, deadline) < REQUEST_HEADER) {
            debug("{0}: hung up before its request", this);
            return null;
        }
        int devType = Byte.toUnsignedInt(head.get(ValueLayout.JAVA_BYTE, 0));
        int transport = Byte.toUnsignedInt(head.get(ValueLayout.JAVA_BYTE, 1));
        int stream = Byte.toUnsignedInt(head.get(ValueLayout.JAVA_BYTE, 2));
        int mode = Byte.toUnsignedInt(head.get(ValueLayout.JAVA_BYTE, 3));
        int namelen = Byte.toUnsignedInt(head.get(ValueLayout.JAVA_BYTE, 4)); // at most 255 by its type
        MemorySegment name = arena.allocate(Math.max(1, namelen));
        if (namelen > 0 && conn.readFully(name.asSlice(0, namelen), deadline) < namelen) {
            debug("{0}: hung up before the {1} bytes of its name", new Object[] {this, namelen});
            return null;
        }
        String text = new String(name.asSlice(0, namelen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        if (devType != DEV_TYPE_PCM || transport != TRANSPORT_SHM || stream > 1) {
            info("{0}: refused request dev_type {1} transport {2} stream {3}: "
                    + "pcmshare serves PCMs over shared memory", new Object[] {this, devType, transport, stream});
            answer(-(devType != DEV_TYPE_PCM ? Errno.ENODEV : Errno.EINVAL).code(), 0);
            return null;
        }
        return new Request(stream == 0 ? Direction.PLAYBACK : Direction.CAPTURE, mode, text);
    }

    /** The peer's primary group and its supplementary groups (/proc/PID/status), for the policy. */
    static Set<Integer> groups(int pid, int gid) {
        Set<Integer> g = new HashSet<>();
        g.add(gid);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Groups:")) {
                    for (String n : line.substring(7).trim().split("\\s+")) {
                        if (!n.isEmpty()) {
                            g.add(Integer.parseInt(n));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a peer gone already: its primary group is all we know
        }
        return g;
    }

    private void answer(long result, int cookie) {
        answer(conn, result, cookie);
    }

    /** Answers {@code errno} without reading the request (it waits in the socket) and hangs up. */
    static void refuseAtOnce(UnixConnection c, Errno errno, ServerLog log) {
        try {
            answer(c, -errno.code(), 0);
        } catch (RuntimeException e) {
            log.debug("refusing a client: " + e.getMessage());
        } finally {
            c.close();
        }
    }

    private static void answer(UnixConnection conn, long result, int cookie) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ANSWER_SIZE);
            a.set(ValueLayout.JAVA_LONG, 0, result);
            a.set(ValueLayout.JAVA_INT, 8, cookie);
            conn.write(a);
        }
    }

    // --- for the server and the session ---

    ServerLog log() {
        return server.log();
    }

    PeerCred peer() {
        return peer;
    }

    String program() {
        return program;
    }

    Request request() {
        return request;
    }

    Preset preset() {
        return preset;
    }

    CardInfo card() {
        return card;
    }

    PcmSubstream handle() {
        return handle;
    }

    /** Set by the server's open: the client's handle and, for a restricted client on a free substream, the server's own. */
    void opened(CardInfo c, PcmSubstream h, PcmSubstream own) {
        card = c;
        handle = h;
        owned = own;
    }

    /** The memfd name of the ring this client maps, or null (for tests and listings). */
    String ringName() {
        Session s = session;
        return s == null ? null : s.ringName();
    }

    /** For a restricted client: whose handle its dup was made from. */
    void dupOf(String owner) {
        dupOf = owner;
    }

    int freeSubstreams(PcmDeviceInfo dev) {
        return server.freeSubstreams(card.id(), dev, request.direction());
    }

    /** Closes the handle (a dup first, then what the server opened for it). Idempotent. */
    void closeHandles() {
        PcmSubstream h = handle;
        PcmSubstream o = owned;
        handle = null;
        owned = null;
        if (h != null) {
            h.close();
        }
        if (o != null) {
            o.close();
        }
    }

    /** Wakes the session's thread: its next read fails, and it ends. */
    void disconnect() {
        Session s = session;
        if (s != null) {
            s.wakeClient();
        }
        conn.shutdown();
    }

    private void info(String pattern, Object... args) {
        server.log().info(java.text.MessageFormat.format(pattern, args));
    }

    private void debug(String pattern, Object... args) {
        server.log().debug(java.text.MessageFormat.format(pattern, args));
    }

    /** How the client shows in logs and in pcm:list: pid, uid and program. */
    String holder() {
        PeerCred p = peer;
        return p == null ? "alsa client" : "alsa pid " + p.pid() + " uid " + p.uid() + " " + program;
    }

    @Override
    public String toString() {
        return holder();
    }
}
