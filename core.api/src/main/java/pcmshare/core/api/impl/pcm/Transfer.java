package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EAGAIN;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.errno.Errno.ESTRPIPE;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PREPARED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;
import static pcmshare.core.api.pcm.PcmState.SETUP;

import java.lang.foreign.MemorySegment;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;

/**
 * Read and write, as pcm_lib.c's __snd_pcm_lib_xfer with pcm_accessible_state,
 * the interleaved and non-interleaved copies (interleaved_copy,
 * noninterleaved_copy, fill_silence for a null source) and the start at
 * start_threshold. The steady state runs without the lock:
 * {@link TransferSteadyState}.
 */
final class Transfer {
    private Transfer() {
    }

    /** pcm_lib.c pcm_accessible_state, admitting a draining capture so its remaining frames can be read. */
    static void accessibleState(Substream s, String op) {
        switch (s.state) {
            case PREPARED, RUNNING, PAUSED -> {
            }
            case XRUN -> throw s.refuse(EPIPE, op, s.xrunCount, s.playback ? "underrun" : "overrun");
            case SUSPENDED -> throw s.refuse(ESTRPIPE, op, null, "suspended: resume or prepare");
            case DRAINING -> {
                if (s.playback) {
                    throw s.refuse(EBADFD, op, null, "playback is draining");
                }
            }
            default -> throw s.refuse(EBADFD, op, null, "not prepared");
        }
    }

    private static void checkDirection(Substream s, String op) {
        if (s.playback != op.equals("write")) {
            throw s.refuse(EINVAL, op, s.direction, op + " on a " + s.direction + " substream");
        }
    }

    /** pcm_lib.c __snd_pcm_lib_xfer. */
    static long xfer(Substream s, MemorySegment data, MemorySegment[] channelData, long size, boolean interleaved,
            String op, boolean nonBlocking) {
        // the steady state copies without the lock (TransferSteadyState); anything else is decided under it
        long done = TransferSteadyState.xfer(s, data, channelData, size, interleaved, "write".equals(op));
        if (done >= 0) {
            return done;
        }
        // a transfer may start the group in its middle: the group lock first, never dropped under it
        s.lockWithGroup();
        try {
            s.checkUsable(op);
            checkDirection(s, op);
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, op, null, "no hardware parameters");
            }
            if (interleaved) {
                if (s.hw.access() != Access.RW_INTERLEAVED && s.channels > 1) {
                    throw s.refuse(EINVAL, op, s.hw.access(), "interleaved transfer needs RW_INTERLEAVED access");
                }
            } else if (s.hw.access() != Access.RW_NONINTERLEAVED) {
                throw s.refuse(EINVAL, op, s.hw.access(), "non-interleaved transfer needs RW_NONINTERLEAVED access");
            }
            if (size < 0) {
                throw s.refuse(EINVAL, op, size, "negative frame count");
            }
            checkData(s, data, channelData, size, interleaved, op);
            if (size == 0) {
                return 0;
            }
            accessibleState(s, op);
            s.twake = s.pages.availMin();
            long xfer = 0;
            try {
                if (s.state == RUNNING) {
                    HwPtr.update(s, false);
                }
                if (!s.playback && s.state == PREPARED && size >= s.startThreshold) {
                    PcmActions.action(s, PcmActions.START, RUNNING);
                }
                long avail = HwPtr.avail(s);
                long offset = 0;
                while (size > 0) {
                    // the kernel re-checks after each copy; the copy runs under the lock here, so before is the same
                    accessibleState(s, op);
                    if (avail == 0) {
                        if (!s.playback && s.state == DRAINING) {
                            PcmActions.action(s, PcmActions.STOP, SETUP);
                            break;
                        }
                        accessibleState(s, op);
                        if (nonBlocking) {
                            throw s.refuse(EAGAIN, op, size, "no room now (non-blocking)");
                        }
                        s.twake = Math.min(size, s.pages.availMin());
                        avail = Waits.waitForAvail(s, op);
                        if (avail == 0) {
                            continue; // capture draining
                        }
                    }
                    // one copier at a time, the lock-free one included: appl_ptr is read, and the room
                    // counted, under the claim, so that a lock-free transfer just before is not undone
                    s.pages.claimBuffer();
                    long frames;
                    try {
                        avail = HwPtr.avail(s);
                        long appl = s.pages.applPtr();
                        long applOfs = appl % s.bufferSize;
                        frames = Math.min(Math.min(size, avail), s.bufferSize - applOfs);
                        if (frames <= 0) {
                            continue; // another holder's transfer took the room: wait for more
                        }
                        copy(s, data, channelData, interleaved, applOfs, offset, frames);
                        appl += frames;
                        if (appl >= s.boundary) {
                            appl -= s.boundary;
                        }
                        ApplPtr.apply(s, appl);
                    } finally {
                        s.pages.releaseBuffer();
                    }
                    offset += frames;
                    size -= frames;
                    xfer += frames;
                    avail -= frames;
                    if (s.playback && s.state == PREPARED && HwPtr.hwAvail(s) >= s.startThreshold) {
                        PcmActions.action(s, PcmActions.START, RUNNING);
                    }
                }
            } catch (ErrnoException e) {
                s.twake = 0;
                if (xfer > 0) {
                    return xfer;
                }
                throw e;
            }
            s.twake = 0;
            if (xfer > 0 && s.state != DISCONNECTED) {
                HwPtr.updateState(s);
            }
            return xfer;
        } finally {
            s.twake = 0;
            s.unlockWithGroup();
        }
    }

    private static void checkData(Substream s, MemorySegment data, MemorySegment[] channelData, long size,
            boolean interleaved, String op) {
        if (interleaved) {
            if (data == null) {
                if (!s.playback) {
                    throw s.refuse(EINVAL, op, null, "no buffer to read into");
                }
            } else if (size > data.byteSize() / s.frameBytes) {
                throw s.refuse(EINVAL, op, size, size + " frames of " + s.frameBytes + " bytes do not fit in "
                        + data.byteSize() + " bytes");
            }
        } else {
            if (channelData == null) {
                if (!s.playback) {
                    throw s.refuse(EINVAL, op, null, "no buffers to read into");
                }
                return;
            }
            if (channelData.length != s.channels) {
                throw s.refuse(EINVAL, op, channelData.length, "one segment per channel: " + s.channels);
            }
            for (MemorySegment c : channelData) {
                if (c == null) {
                    if (!s.playback) {
                        throw s.refuse(EINVAL, op, null, "no buffer to read a channel into");
                    }
                } else if (size > c.byteSize() / s.sampleBytes) {
                    throw s.refuse(EINVAL, op, size, size + " samples of " + s.sampleBytes
                            + " bytes do not fit in " + c.byteSize() + " bytes");
                }
            }
        }
    }

    static void copy(Substream s, MemorySegment data, MemorySegment[] channelData, boolean interleaved,
            long hwOfs, long off, long frames) {
        if (interleaved) {
            if (data == null) {
                PlaybackSilence.frames(s, hwOfs, frames);
            } else if (s.playback) {
                MemorySegment.copy(data, off * s.frameBytes, s.buffer, hwOfs * s.frameBytes, frames * s.frameBytes);
            } else {
                MemorySegment.copy(s.buffer, hwOfs * s.frameBytes, data, off * s.frameBytes, frames * s.frameBytes);
            }
            return;
        }
        for (int c = 0; c < s.channels; c++) {
            long hwByte = (c * s.bufferSize + hwOfs) * s.sampleBytes;
            MemorySegment ch = channelData == null ? null : channelData[c];
            if (ch == null) {
                MemorySegment.copy(PlaybackSilence.source(s), 0, s.buffer, hwByte, frames * s.sampleBytes);
            } else if (s.playback) {
                MemorySegment.copy(ch, off * s.sampleBytes, s.buffer, hwByte, frames * s.sampleBytes);
            } else {
                MemorySegment.copy(s.buffer, hwByte, ch, off * s.sampleBytes, frames * s.sampleBytes);
            }
        }
    }
}
