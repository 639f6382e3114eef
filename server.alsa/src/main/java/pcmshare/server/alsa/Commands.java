package pcmshare.server.alsa;

import static pcmshare.server.alsa.ControlBlock.U_FRAMES;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.pcm.hw.HwParamsLayout;
import pcmshare.core.api.pcm.hw.HwSpace;

/**
 * One command of alsa-lib's shm protocol, done through the client's handle, as
 * aserver's pcm_shm_cmd() does it through snd_pcm_*(): the argument is read from
 * the control block's union, the answer written back there, the result into
 * {@code ctrl->result} (a negative errno when refused). A refusal of the core
 * ({@link ErrnoException}) becomes its errno; nothing a client sends can throw
 * past this class.
 */
final class Commands {

    /** The answer to one command: its result and, for CHANNEL_INFO and POLL_DESCRIPTOR, an fd to pass. */
    static final int NO_FD = -1;

    private final Session session;
    private final ControlBlock ctrl;
    private final MemorySegment u;

    Commands(Session session, ControlBlock ctrl) {
        this.session = session;
        this.ctrl = ctrl;
        this.u = ctrl.union();
    }

    /** Does {@code cmd}; answers the fd to pass with the reply byte, or {@link #NO_FD}. */
    int execute(int cmd) {
        try {
            return dispatch(cmd);
        } catch (ErrnoException e) {
            ctrl.result(-e.errno().code());
            session.refused(cmd, e);
            return NO_FD;
        } catch (RuntimeException e) {
            ctrl.result(-Errno.EINVAL.code());
            session.failed(cmd, e);
            return NO_FD;
        }
    }

    private int dispatch(int cmd) {
        PcmSubstream h = session.handle();
        long r = 0;
        if (cmd == ControlBlock.POLL_DESCRIPTOR) {
            ctrl.result(0);
            return session.pollFd();
        } else if (cmd == ControlBlock.CHANNEL_INFO) {
            return channelInfo(h);
        } else if (cmd == ControlBlock.INFO) {
            session.writeInfo(u);
        } else if (cmd == ControlBlock.HW_REFINE) {
            HwSpace refined = h.hwRefine(HwParamsLayout.read(u));
            HwParamsLayout.write(refined, u);
        } else if (cmd == ControlBlock.HW_PARAMS) {
            session.unmap();
            HwParams installed = h.hwParams(HwParamsLayout.read(u));
            HwParamsLayout.write(h.hwRefine(HwSpace.of(installed)), u);
            session.installed(installed);
        } else if (cmd == ControlBlock.HW_FREE) {
            session.unmap();
            h.hwFree();
        } else if (cmd == ControlBlock.SW_PARAMS) {
            SwParams p = h.swParams(Structs.readSwParams(u));
            Structs.writeSwParams(u, p);
            session.availMin(p.availMin());
            session.tstampType(Structs.tstampType(u));
        } else if (cmd == ControlBlock.STATUS) {
            Structs.writeStatus(u, h.status(), session.clockOffsetNanos());
        } else if (cmd == ControlBlock.STATE) {
            r = Structs.stateNumber(h.state());
        } else if (cmd == ControlBlock.HWSYNC) {
            h.hwsync();
            r = xrunIfStopped(h);
        } else if (cmd == ControlBlock.DELAY) {
            ctrl.u64(U_FRAMES, h.delay());
        } else if (cmd == ControlBlock.AVAIL_UPDATE) {
            r = availUpdate(h);
        } else if (cmd == ControlBlock.PREPARE) {
            h.prepare();
        } else if (cmd == ControlBlock.RESET) {
            h.reset();
        } else if (cmd == ControlBlock.START) {
            h.start();
        } else if (cmd == ControlBlock.DROP) {
            h.drop();
        } else if (cmd == ControlBlock.DRAIN) {
            r = drain(h);
        } else if (cmd == ControlBlock.PAUSE) {
            h.pause(ctrl.u32(ControlBlock.U_PAUSE_ENABLE) != 0);
        } else if (cmd == ControlBlock.RESUME) {
            h.resume();
        } else if (cmd == ControlBlock.REWIND) {
            r = h.rewind(ctrl.u64(U_FRAMES));
        } else if (cmd == ControlBlock.FORWARD) {
            r = h.forward(ctrl.u64(U_FRAMES));
        } else if (cmd == ControlBlock.MMAP_COMMIT) {
            r = h.mmapCommit(ctrl.u64(ControlBlock.U_MMAP_COMMIT_OFFSET), ctrl.u64(ControlBlock.U_MMAP_COMMIT_FRAMES));
        } else if (cmd == ControlBlock.MMAP || cmd == ControlBlock.MUNMAP) {
            r = 0; // the client maps what CHANNEL_INFO hands it; nothing to do here
        } else if (cmd == ControlBlock.UNLINK) {
            h.unlink();
        } else if (cmd == ControlBlock.LINK) {
            // the fd in the request is the client's own, meaningless here (aserver: ENOSYS too)
            throw new ErrnoException(Errno.ENOSYS, "link", h.state(), ctrl.u32(ControlBlock.U),
                    "linking through the shm protocol is not possible: the other PCM's fd is the client's");
        } else if (cmd == ControlBlock.ASYNC) {
            r = async(h);
        } else if (cmd == ControlBlock.CLOSE) {
            session.closeHandle();
        } else if (cmd == ControlBlock.HW_PTR_FD || cmd == ControlBlock.APPL_PTR_FD) {
            // asked only after the server sets hw.changed/appl.changed, which it never does
            throw new ErrnoException(Errno.EINVAL, ControlBlock.name(cmd), h.state(), null,
                    "the positions are in the control block itself");
        } else {
            throw new ErrnoException(Errno.ENOSYS, "shm command", h.state(), ControlBlock.name(cmd),
                    "unknown command");
        }
        ctrl.result(r);
        return NO_FD;
    }

    /** CHANNEL_INFO: the ring's memfd itself, mapped by the client MAP_SHARED: no copy on either side. */
    private int channelInfo(PcmSubstream h) {
        HwParams hw = h.hwParams();
        if (hw == null) {
            throw new ErrnoException(Errno.EBADFD, "channel_info", h.state(), null, "no hardware parameters yet");
        }
        int channel = Structs.channelOf(u);
        if (channel < 0 || channel >= hw.channels()) {
            throw new ErrnoException(Errno.EINVAL, "channel_info", h.state(), channel,
                    "channel out of range 0.." + (hw.channels() - 1));
        }
        PcmMapping m = session.mapping();
        OptionalInt fd = m.memory().memfd().map(Memfd::fd).orElse(OptionalInt.empty());
        if (fd.isEmpty()) {
            throw new ErrnoException(Errno.ENOSYS, "channel_info", h.state(), m.memory().name(),
                    "the ring is not in a memfd (not Linux?): nothing another process could map");
        }
        Structs.writeChannelInfo(u, channel, hw.access().isInterleaved(), hw.channels(), hw.format().bytes() * 8,
                hw.bufferBytes());
        ctrl.result(0);
        return fd.getAsInt();
    }

    /**
     * AVAIL_UPDATE as alsa-lib's hw plugin answers it: the frames available after the
     * positions are synchronised, or -EPIPE once the stream is in XRUN.
     */
    private long availUpdate(PcmSubstream h) {
        long avail = h.avail();
        PcmState state = h.state();
        if (state == PcmState.XRUN) {
            return -Errno.EPIPE.code();
        }
        // alsa-lib's read loop takes whatever is available and asks again, waiting only at 0:
        // with a position that moves by the frame, one round trip over the socket lasts longer
        // than a frame and it would never wait. A running capture therefore shows its frames
        // once avail_min are there, as a device whose position is known per period would.
        if (session.capture() && state == PcmState.RUNNING && avail < session.availMin()) {
            return 0;
        }
        return avail;
    }

    private static long xrunIfStopped(PcmSubstream h) {
        return h.state() == PcmState.XRUN ? -Errno.EPIPE.code() : 0;
    }

    /**
     * DRAIN on the server's non-blocking handle, as the kernel does with O_NONBLOCK:
     * -EAGAIN while frames remain (the client asks again every 10 ms), 0 once drained.
     */
    private static long drain(PcmSubstream h) {
        if (h.state() == PcmState.SETUP) {
            return 0;
        }
        try {
            h.drain();
            return 0;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN) {
                return h.state() == PcmState.SETUP ? 0 : -Errno.EAGAIN.code();
            }
            throw e;
        }
    }

    /** ASYNC: pcmshare sends no signals; turning them off is fine, asking for them is ENOSYS. */
    private long async(PcmSubstream h) {
        int sig = ctrl.u32(ControlBlock.U_ASYNC_SIG);
        if (sig < 0) {
            return 0;
        }
        throw new ErrnoException(Errno.ENOSYS, "async", h.state(), sig,
                "pcmshare does not signal clients; poll the descriptor instead");
    }
}
