package pcmshare.driver.kit.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;

/**
 * Moves frames through one substream with whatever access its hardware
 * parameters chose: read/write, interleaved or not, or mmap begin/commit. Every
 * wait is a blocking transfer or a {@code waitAvail} with a deadline.
 */
final class Io {
    private final PcmSubstream s;
    private final HwParams p;
    private final boolean playback;
    private final MemorySegment interleaved;
    private final MemorySegment[] planes;
    private final long chunkFrames;
    /** Checks every mmap area; may be null. */
    private final AreaCheck check;

    interface AreaCheck {
        void area(MmapArea area, long applPtrBefore);
    }

    Io(PcmSubstream s, HwParams p, Arena arena, long chunkFrames, AreaCheck check) {
        this.s = s;
        this.p = p;
        this.playback = s.direction() == Direction.PLAYBACK;
        this.chunkFrames = chunkFrames;
        this.check = check;
        this.interleaved = arena.allocate(chunkFrames * p.frameBytes(), 16);
        interleaved.fill(p.format().silenceByte());
        this.planes = new MemorySegment[p.channels()];
        long planeBytes = chunkFrames * p.format().bytes();
        for (int c = 0; c < planes.length; c++) {
            planes[c] = interleaved.asSlice(c * planeBytes, planeBytes);
        }
    }

    long chunkFrames() {
        return chunkFrames;
    }

    /**
     * Transfers up to {@code frames} (at most one chunk) and returns how many
     * moved. Read/write block as the core does; mmap waits for room with
     * {@code waitAvail} until {@code deadlineNanos} (System.nanoTime) and starts
     * a prepared stream once its buffer is full (playback) or at once (capture).
     */
    long transfer(long frames, long deadlineNanos) {
        long n = Math.min(frames, chunkFrames);
        if (!p.access().isMmap()) {
            if (p.access().isInterleaved()) {
                return playback ? s.write(interleaved, n) : s.read(interleaved, n);
            }
            return playback ? s.write(planes, n) : s.read(planes, n);
        }
        if (!playback && s.state() == PcmState.PREPARED) {
            s.start();
        }
        for (;;) {
            long avail = s.avail();
            if (avail > 0) {
                long before = s.status().applPtr();
                MmapArea area = s.mmapBegin(Math.min(n, avail));
                if (check != null) {
                    check.area(area, before);
                }
                if (playback) {
                    fillSilence(area);
                }
                long done = s.mmapCommit(area.offset(), area.frames());
                if (playback && s.state() == PcmState.PREPARED && s.avail() == 0) {
                    s.start();
                }
                return done;
            }
            if (playback && s.state() == PcmState.PREPARED) {
                s.start();
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !s.waitAvail(left)) {
                if (s.avail() > 0) {
                    continue;
                }
                throw new IllegalStateException("no room/data within the deadline: state " + s.state()
                        + ", status " + s.status());
            }
        }
    }

    /** Starts a playback stream that was filled through mmap but did not fill its buffer. */
    void startIfPrepared() {
        if (s.state() == PcmState.PREPARED) {
            s.start();
        }
    }

    private void fillSilence(MmapArea area) {
        byte silence = p.format().silenceByte();
        if (area.access().isInterleaved()) {
            area.buffer().asSlice(area.byteOffset(0, area.offset()), area.frames() * area.stepBytes()).fill(silence);
        } else {
            for (int c = 0; c < area.channels(); c++) {
                area.buffer().asSlice(area.byteOffset(c, area.offset()), area.frames() * area.sampleBytes())
                        .fill(silence);
            }
        }
    }
}
