package pcmshare.server.alsa;

import java.lang.foreign.MemorySegment;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.server.alsa.sys.PollDescriptor;
import pcmshare.server.alsa.sys.SysVShm;
import pcmshare.server.alsa.sys.UnixConnection;

/**
 * One client after its handshake: the command loop on the connection's own thread,
 * and the positions and poll readiness kept up to date on every command and every
 * period. Whatever the client does, only this session ends: its handle is closed,
 * its mapping dropped, its eventfd and control segment gone.
 */
final class Session implements PeriodListener {


    private final Client client;
    private final UnixConnection conn;
    private final MemorySegment shm;
    private final ControlBlock ctrl;
    private final PollDescriptor poll;
    private final boolean playback;
    private final Object publishLock = new Object();

    private volatile PcmSubstream handle;
    private PcmMapping mapping;
    private long availMin = 1;
    private volatile int tstampType = Structs.TSTAMP_TYPE_GETTIMEOFDAY;
    private int lastReady = -1;
    private boolean closed;

    Session(Client client, UnixConnection conn, MemorySegment shm, PollDescriptor poll) {
        this.client = client;
        this.conn = conn;
        this.shm = shm;
        this.ctrl = new ControlBlock(shm);
        this.poll = poll;
        this.handle = client.handle();
        this.playback = client.request().direction() == pcmshare.core.api.pcm.Direction.PLAYBACK;
    }

    /** Serves commands until the client closes, goes away or the server stops. */
    void run() {
        try {
            handle.addPeriodListener(this);
        } catch (ErrnoException e) {
            client.log().debug(client + ": no period listener (" + e.getMessage() + "); positions follow commands only");
        }
        Commands commands = new Commands(this, ctrl);
        publish();
        while (true) {
            int b = conn.readByte(-1);
            if (b < 0) {
                return;
            }
            int cmd = ctrl.cmd();
            ctrl.clearCmd();
            int fd = commands.execute(cmd);
            publish();
            if (fd >= 0) {
                conn.sendByteWithFd(0, fd);
            } else {
                conn.writeByte(0);
            }
            if (cmd == ControlBlock.CLOSE) {
                return;
            }
        }
    }

    PcmSubstream handle() {
        PcmSubstream h = handle;
        if (h == null) {
            throw new ErrnoException(Errno.EBADFD, "shm command", PcmState.DISCONNECTED, null, "the PCM is closed");
        }
        return h;
    }

    int pollFd() {
        return poll.fd();
    }

    /** sw_params' tstamp_type: GETTIMEOFDAY (0, alsa-lib's default), MONOTONIC (1) or MONOTONIC_RAW (2). */
    void tstampType(int type) {
        tstampType = type;
    }

    /**
     * What to add to the core's timestamps (CLOCK_MONOTONIC, as System.nanoTime on
     * Linux) for the client's clock: the wall clock's offset for GETTIMEOFDAY, so that
     * arecord's "overrun!!! (at least N ms long)" measures against gettimeofday.
     */
    long clockOffsetNanos() {
        if (tstampType != Structs.TSTAMP_TYPE_GETTIMEOFDAY) {
            return 0;
        }
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    boolean capture() {
        return !playback;
    }

    long availMin() {
        synchronized (publishLock) {
            return availMin;
        }
    }

    void availMin(long frames) {
        synchronized (publishLock) {
            availMin = Math.max(1, frames);
        }
    }

    /** After HW_PARAMS: alsa-lib's default avail_min is one period until SW_PARAMS says otherwise. */
    void installed(HwParams hw) {
        availMin(hw.periodSize());
    }

    /** The server's mapping of the ring while the client may have it mapped (kernel: mmap_count). */
    PcmMapping mapping() {
        if (mapping == null) {
            mapping = handle().map();
        }
        return mapping;
    }

    /** The name of the ring's memory the client was handed (the memfd's name), or null before CHANNEL_INFO. */
    String ringName() {
        PcmMapping m = mapping;
        return m == null ? null : m.memory().name();
    }

    /** alsa-lib unmaps before HW_FREE and HW_PARAMS; so does the server. */
    void unmap() {
        PcmMapping m = mapping;
        mapping = null;
        if (m != null) {
            m.close();
        }
    }

    void closeHandle() {
        unmap();
        PcmSubstream h = handle;
        handle = null;
        if (h != null) {
            h.removePeriodListener(this);
            client.closeHandles();
        }
    }

    void writeInfo(MemorySegment u) {
        PcmSubstream h = handle();
        Client.Request r = client.request();
        CardInfo card = client.card();
        PcmDeviceInfo dev = card.devices().stream().filter(d -> d.device() == h.device()).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ENODEV, "info", h.state(), h.device(), "device gone"));
        Structs.writeInfo(u, card.index(), card.id(), dev.name(), h.device(), h.subdevice(), r.direction(),
                dev.substreams(r.direction()), client.freeSubstreams(dev));
    }

    // --- positions and readiness ---

    @Override
    public void periodElapsed(SubstreamView substream, long hwPtr) {
        publish();
    }

    @Override
    public void stopped(SubstreamView substream, PcmState state) {
        publish();
    }

    /**
     * Copies hw_ptr and appl_ptr into the control block and sets the poll descriptor
     * as the kernel's snd_pcm_poll() would answer: ready while avail >= avail_min in
     * PREPARED, RUNNING and PAUSED; a draining playback is not ready (a draining
     * capture is); any other state is ready, so that the client wakes and learns it.
     * Under one lock, so that a late period never writes older positions over a newer
     * command's.
     */
    void publish() {
        PcmSubstream h = handle;
        if (h == null) {
            return;
        }
        synchronized (publishLock) {
            if (closed) {
                return;
            }
            PcmStatus st;
            try {
                st = h.status();
            } catch (ErrnoException e) {
                setReady(true);
                return;
            }
            ctrl.positions(st.hwPtr(), st.applPtr());
            setReady(switch (st.state()) {
                case PREPARED, RUNNING, PAUSED -> st.avail() >= availMin;
                case DRAINING -> !playback;
                default -> true;
            });
        }
    }

    private void setReady(boolean ready) {
        int r = ready ? 1 : 0;
        if (closed || r == lastReady) {
            return;
        }
        lastReady = r;
        poll.setReady(ready);
    }

    void refused(int cmd, ErrnoException e) {
        if (e.errno() == Errno.EPERM) {
            client.log().info(client + ": " + ControlBlock.name(cmd) + " refused: " + e.getMessage());
        } else {
            client.log().debug(client + ": " + ControlBlock.name(cmd) + ": " + e.getMessage());
        }
    }

    void failed(int cmd, RuntimeException e) {
        client.log().warn(client + ": " + ControlBlock.name(cmd) + " failed", e);
    }

    /**
     * Makes the poll descriptor ready whatever the stream's state, as the kernel's
     * poll answers a disconnected PCM: a client blocked in poll() wakes, sends its next
     * command and learns that the connection is gone, instead of waiting forever on a
     * descriptor nobody will touch again.
     */
    void wakeClient() {
        synchronized (publishLock) {
            lastReady = -1;
            setReady(true);
        }
    }

    /** Ends the session: the handle, the mapping, the eventfd and the control segment. Idempotent. */
    void close() {
        wakeClient();
        closeHandle();
        synchronized (publishLock) {
            closed = true;
            poll.close();
        }
        SysVShm.detach(shm);
    }
}
