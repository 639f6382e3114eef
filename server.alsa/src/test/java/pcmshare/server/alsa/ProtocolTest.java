package pcmshare.server.alsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.hw.HwParamsLayout;
import pcmshare.core.api.pcm.hw.HwSpace;
import pcmshare.server.alsa.sys.Fds;
import pcmshare.server.alsa.sys.Poll;
import pcmshare.server.alsa.sys.SysVShm;
import pcmshare.server.alsa.sys.UnixConnection;

/**
 * The shm protocol command by command, as pcm_shm.c speaks it, on the manual clock:
 * what the client reads back (results, positions, the poll descriptor's readiness,
 * the memfd and its seals, the control segment's owner and mode) is what the
 * kernel and aserver would give it.
 */
class ProtocolTest {

    private static final int PERIOD = 480;
    private static final int BUFFER = 4 * PERIOD;
    private static final int SEAL_SHRINK = 2;
    private static final int SEAL_GROW = 4;

    private ServerRig rig;
    private Arena arena;
    private UnixConnection c;
    private ControlBlock ctrl;
    private int shmid;

    @BeforeEach
    void connect() {
        rig = ServerRig.manual();
        arena = Arena.ofConfined();
        open("hw:Loopback,0,0", 0);
    }

    /** snd_pcm_shm_open's handshake for {@code name}, stream 0 (playback) or 1 (capture); this test's connection. */
    private void open(String pcm, int stream) {
        c = UnixConnection.connect(rig.socket);
        byte[] name = pcm.getBytes(StandardCharsets.UTF_8);
        MemorySegment req = arena.allocate(5 + name.length);
        req.set(ValueLayout.JAVA_BYTE, 2, (byte) stream);
        req.set(ValueLayout.JAVA_BYTE, 4, (byte) name.length);
        MemorySegment.copy(name, 0, req, ValueLayout.JAVA_BYTE, 5, name.length);
        c.write(req);
        MemorySegment ans = arena.allocate(Client.ANSWER_SIZE);
        c.readFully(ans, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        assertThat(ans.get(ValueLayout.JAVA_LONG, 0)).isZero();
        shmid = ans.get(ValueLayout.JAVA_INT, 8);
        ctrl = new ControlBlock(SysVShm.attach(shmid, ControlBlock.SIZE));
    }

    @AfterEach
    void close() {
        SysVShm.detach(ctrl.segment());
        c.close();
        arena.close();
        rig.close();
    }

    @Test
    void snd_pcm_shm_open_controlSegmentIs0600ForThePeer_andAlreadyMarkedForRemoval() {
        SysVShm.Stat st = SysVShm.stat(shmid);
        assertThat(st.permissions()).isEqualTo(0600);
        assertThat(st.uid()).isEqualTo(AlsaServer.ownUid());
        assertThat(st.markedForDestruction()).as("IPC_RMID once the server attached").isTrue();
        assertThat(st.size()).isEqualTo(ControlBlock.SIZE);
    }

    @Test
    void snd_pcm_poll_readyExactlyWhileAvailAtLeastAvailMin_andThePositionsFollowEveryPeriod() {
        int poll = pollDescriptor();
        hwParams(Access.MMAP_INTERLEAVED);
        swParams(2 * PERIOD);
        assertThat(command(ControlBlock.PREPARE)).isZero();
        assertThat(ready(poll, 0)).as("PREPARED, avail %d >= avail_min %d", BUFFER, 2 * PERIOD).isTrue();

        mmapCommit(0, BUFFER);
        assertThat(ctrl.applPtr()).as("appl_ptr in the control block").isEqualTo(BUFFER);
        assertThat(ready(poll, 0)).as("avail 0").isFalse();
        assertThat(command(ControlBlock.START)).isZero();

        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(10)); // one period: avail 480 < avail_min 960
        awaitHwPtr(PERIOD);
        assertThat(ready(poll, 0)).as("avail %d < avail_min %d", PERIOD, 2 * PERIOD).isFalse();
        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(10)); // two periods: avail 960 = avail_min
        assertThat(ready(poll, 5000)).as("avail %d >= avail_min %d", 2 * PERIOD, 2 * PERIOD).isTrue();
        assertThat(ctrl.hwPtr()).isEqualTo(2 * PERIOD);

        mmapCommit(0, 2 * PERIOD);
        assertThat(ready(poll, 0)).as("refilled").isFalse();
        assertThat(command(ControlBlock.AVAIL_UPDATE)).isZero();

        // an underrun stops the stream in XRUN: not a state that waits, so the descriptor is ready
        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(ready(poll, 5000)).as("XRUN").isTrue();
        assertThat(command(ControlBlock.AVAIL_UPDATE)).as("AVAIL_UPDATE in XRUN").isEqualTo(-Errno.EPIPE.code());
        assertThat(command(ControlBlock.STATE)).as("STATE").isEqualTo(4);
        Fds.close(poll);
    }

    @Test
    void channelInfo_passesTheRingsMemfd_sealedAgainstShrinkAndGrow_withTheKernelsLayout() {
        hwParams(Access.MMAP_INTERLEAVED);
        MemorySegment u = ctrl.union();
        int[] fds = new int[2];
        for (int ch = 0; ch < 2; ch++) {
            u.set(ValueLayout.JAVA_INT, ControlBlock.ChannelInfo.CHANNEL, ch);
            ctrl.u32(ControlBlock.CMD, ControlBlock.CHANNEL_INFO);
            c.writeByte(0);
            UnixConnection.Received r = c.receiveByteWithFd(10_000);
            assertThat(ctrl.result()).isZero();
            assertThat(r.fd()).as("the memfd came with the answer").isGreaterThanOrEqualTo(0);
            fds[ch] = r.fd();
            assertThat(u.get(ValueLayout.JAVA_INT, ControlBlock.ChannelInfo.TYPE)).isEqualTo(
                    ControlBlock.ChannelInfo.AREA_MMAP);
            assertThat(u.get(ValueLayout.JAVA_INT, ControlBlock.ChannelInfo.FIRST)).isEqualTo(16 * ch);
            assertThat(u.get(ValueLayout.JAVA_INT, ControlBlock.ChannelInfo.STEP)).isEqualTo(32);
            assertThat(u.get(ValueLayout.JAVA_LONG, ControlBlock.ChannelInfo.MMAP_OFFSET)).isZero();
            assertThat(Fds.seals(r.fd()) & (SEAL_SHRINK | SEAL_GROW)).isEqualTo(SEAL_SHRINK | SEAL_GROW);
        }
        u.set(ValueLayout.JAVA_INT, ControlBlock.ChannelInfo.CHANNEL, 2);
        assertThat(command(ControlBlock.CHANNEL_INFO)).as("channel 2 of 2").isEqualTo(-Errno.EINVAL.code());
        assertThat(command(ControlBlock.HW_FREE)).as("alsa-lib unmaps, then HW_FREE").isZero();
        Fds.close(fds[0]);
        Fds.close(fds[1]);
    }

    @Test
    void availUpdate_ofARunningCapture_showsItsFramesOnceAvailMinAreThere() {
        SysVShm.detach(ctrl.segment());
        c.close();
        open("hw:Loopback,1,0", 1);
        hwParams(Access.MMAP_INTERLEAVED);
        swParams(2 * PERIOD);
        command(ControlBlock.PREPARE);
        assertThat(command(ControlBlock.START)).isZero();
        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(command(ControlBlock.HWSYNC)).isZero();
        assertThat(command(ControlBlock.AVAIL_UPDATE)).as("%d frames, avail_min %d", PERIOD, 2 * PERIOD).isZero();
        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(command(ControlBlock.AVAIL_UPDATE)).isEqualTo(2 * PERIOD);
        mmapCommit(0, 2 * PERIOD);
        assertThat(command(ControlBlock.AVAIL_UPDATE)).as("all read").isZero();
    }

    @Test
    void status_timestampsOnTheClockTheClientChose_gettimeofdayUnlessItSaysOtherwise() {
        hwParams(Access.MMAP_INTERLEAVED);
        swParams(PERIOD); // tstamp_type 0: SNDRV_PCM_TSTAMP_TYPE_GETTIMEOFDAY
        assertThat(command(ControlBlock.STATUS)).isZero();
        java.time.Instant now = java.time.Instant.now();
        // the core's clock (here the manual one) moved onto the wall clock by CLOCK_MONOTONIC's distance to it
        long expected = rig.clock.nanoTime() + now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        long got = ctrl.u64(ControlBlock.U + ControlBlock.Status.TSTAMP) * 1_000_000_000L
                + ctrl.u64(ControlBlock.U + ControlBlock.Status.TSTAMP + 8);
        assertThat(Math.abs(got - expected)).as("GETTIMEOFDAY tstamp off by (ns)").isLessThan(1_000_000_000L);
        MemorySegment u = ctrl.union();
        u.asSlice(0, ControlBlock.SwParams.SIZE).fill((byte) 0);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.AVAIL_MIN, PERIOD);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.START_THRESHOLD, BUFFER);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.STOP_THRESHOLD, BUFFER);
        u.set(ValueLayout.JAVA_INT, ControlBlock.SwParams.TSTAMP_TYPE, 1); // MONOTONIC
        assertThat(command(ControlBlock.SW_PARAMS)).isZero();
        assertThat(command(ControlBlock.STATUS)).isZero();
        long sec = ctrl.u64(ControlBlock.U + ControlBlock.Status.TSTAMP);
        long nsec = ctrl.u64(ControlBlock.U + ControlBlock.Status.TSTAMP + 8);
        assertThat(sec * 1_000_000_000L + nsec).as("MONOTONIC: the core's own clock").isEqualTo(rig.clock.nanoTime());
    }

    @Test
    void drain_answersEagainWhileFramesRemain_thenZero_asANonBlockingKernelPcm() {
        hwParams(Access.MMAP_INTERLEAVED);
        swParams(PERIOD);
        command(ControlBlock.PREPARE);
        mmapCommit(0, 2 * PERIOD);
        assertThat(command(ControlBlock.START)).isZero();
        assertThat(command(ControlBlock.DRAIN)).isEqualTo(-Errno.EAGAIN.code());
        assertThat(command(ControlBlock.STATE)).as("DRAINING").isEqualTo(5);
        rig.clock.advance(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(command(ControlBlock.DRAIN)).isZero();
        assertThat(command(ControlBlock.STATE)).as("SETUP").isEqualTo(1);
    }

    @Test
    void hwParamsTheCardCannotTake_isEinval_andRwAccessIsRefusedForTheMmapOnlyProtocol() {
        MemorySegment u = ctrl.union();
        HwParamsLayout.write(HwSpace.of(new HwParams(Access.MMAP_INTERLEAVED, SampleFormat.S16_LE, 2, 1, PERIOD, 4)),
                u);
        assertThat(command(ControlBlock.HW_PARAMS)).as("rate 1 Hz").isEqualTo(-Errno.EINVAL.code());
        assertThat(command(ControlBlock.STATE)).as("still OPEN").isZero();
        assertThat(command(ControlBlock.LINK)).isEqualTo(-Errno.ENOSYS.code());
        ctrl.u32(ControlBlock.U_ASYNC_SIG, 29);
        assertThat(command(ControlBlock.ASYNC)).isEqualTo(-Errno.ENOSYS.code());
        ctrl.u32(ControlBlock.U_ASYNC_SIG, -1);
        assertThat(command(ControlBlock.ASYNC)).as("signals off").isZero();
    }

    // --- the client's side of pcm_shm.c ---

    private long command(int cmd) {
        ctrl.u32(ControlBlock.CMD, cmd);
        c.writeByte(0);
        UnixConnection.Received r = c.receiveByteWithFd(10_000);
        assertThat(r.value()).as("reply to %s", ControlBlock.name(cmd)).isZero();
        assertThat(ctrl.cmd()).as("the server clears cmd").isZero();
        if (r.fd() >= 0) {
            Fds.close(r.fd());
        }
        return ctrl.result();
    }

    private int pollDescriptor() {
        ctrl.u32(ControlBlock.CMD, ControlBlock.POLL_DESCRIPTOR);
        c.writeByte(0);
        UnixConnection.Received r = c.receiveByteWithFd(10_000);
        assertThat(r.fd()).isGreaterThanOrEqualTo(0);
        return r.fd();
    }

    private void hwParams(Access access) {
        HwParamsLayout.write(HwSpace.of(new HwParams(access, SampleFormat.S16_LE, 2, 48000, PERIOD, 4)),
                ctrl.union());
        assertThat(command(ControlBlock.HW_PARAMS)).isZero();
        HwSpace back = HwParamsLayout.read(ctrl.union());
        assertThat(back.toHwParams().bufferSize()).isEqualTo(BUFFER);
    }

    private void swParams(long availMin) {
        MemorySegment u = ctrl.union();
        u.asSlice(0, ControlBlock.SwParams.SIZE).fill((byte) 0);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.AVAIL_MIN, availMin);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.START_THRESHOLD, BUFFER);
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.STOP_THRESHOLD, BUFFER);
        assertThat(command(ControlBlock.SW_PARAMS)).isZero();
        assertThat(u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.BOUNDARY)).as("boundary as alsa-lib computes it")
                .isEqualTo(boundary(BUFFER));
    }

    private void mmapCommit(long offset, long frames) {
        ctrl.u64(ControlBlock.U_MMAP_COMMIT_OFFSET, offset);
        ctrl.u64(ControlBlock.U_MMAP_COMMIT_FRAMES, frames);
        assertThat(command(ControlBlock.MMAP_COMMIT)).isEqualTo(frames);
    }

    /**
     * alsa-lib's snd_pcm_sw_params_default: the buffer size doubled while twice it fits
     * below LONG_MAX - buffer (unsigned in C; halved here so that it cannot overflow).
     */
    private static long boundary(long buffer) {
        long b = buffer;
        while (b <= (Long.MAX_VALUE - buffer) / 2) {
            b *= 2;
        }
        return b;
    }

    private void awaitHwPtr(long frames) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ctrl.hwPtr() != frames && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ctrl.hwPtr()).as("hw_ptr in the control block after a period").isEqualTo(frames);
    }

    private static boolean ready(int fd, int timeoutMillis) {
        short[] revents = new short[1];
        Poll.poll(new int[] {fd}, new short[] {(short) Poll.POLLOUT}, revents, timeoutMillis);
        return (revents[0] & Poll.POLLOUT) != 0;
    }
}
