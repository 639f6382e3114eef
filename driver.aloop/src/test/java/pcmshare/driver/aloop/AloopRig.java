package pcmshare.driver.aloop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SwParams;

/** A core on a manual clock with one loopback card whose log lines are kept. */
final class AloopRig {
    final ManualClock clock = new ManualClock(1_000_000_000L);
    final PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
    final List<String> log = new CopyOnWriteArrayList<>();
    final Loopback loopback;
    final String cardId;

    AloopRig() {
        this(LoopbackSettings.defaults());
    }

    AloopRig(LoopbackSettings settings) {
        loopback = new Loopback(settings, new LoopbackLog() {
            @Override
            public void warn(String message) {
                log.add("WARN " + message);
            }

            @Override
            public void info(String message) {
                log.add("INFO " + message);
            }
        });
        cardId = engine.addCard(loopback);
    }

    PcmSubstream open(Direction d, int device, int subdevice) {
        return engine.open(cardId, device, d, subdevice, true);
    }

    PcmSubstream playback(int device, int subdevice, HwParams p) {
        PcmSubstream s = open(Direction.PLAYBACK, device, subdevice);
        s.hwParams(p);
        return s;
    }

    PcmSubstream capture(int device, int subdevice, HwParams p) {
        PcmSubstream s = open(Direction.CAPTURE, device, subdevice);
        s.hwParams(p);
        return s;
    }

    /** No xrun, ever: the stream free-runs whether or not it is fed (stop_threshold = boundary). */
    static void freeRunning(PcmSubstream s) {
        SwParams sw = s.swParams();
        s.swParams(sw.withStopThreshold(sw.boundary()));
    }

    /** {@code frames} frames of seeded random bytes. */
    static MemorySegment randomFrames(long seed, long frames, int frameBytes) {
        byte[] b = new byte[Math.toIntExact(frames * frameBytes)];
        new Random(seed).nextBytes(b);
        MemorySegment m = Arena.ofAuto().allocate(b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, m, 0, b.length);
        return m;
    }

    /** A stream pump: keeps a playback fed from {@code data} and drains a capture, checking nothing. */
    static final class Pump {
        final PcmSubstream playback;
        final PcmSubstream capture;
        final MemorySegment data;
        final int frameBytes;
        final MemorySegment received;
        long written;
        long read;

        Pump(PcmSubstream playback, PcmSubstream capture, MemorySegment data, int frameBytes, long capacity) {
            this.playback = playback;
            this.capture = capture;
            this.data = data;
            this.frameBytes = frameBytes;
            this.received = Arena.ofAuto().allocate(capacity * frameBytes);
        }

        long totalFrames() {
            return data.byteSize() / frameBytes;
        }

        void feed() {
            if (playback == null || written == totalFrames()) {
                return;
            }
            long room = Math.min(playback.avail(), totalFrames() - written);
            if (room > 0) {
                written += playback.write(data.asSlice(written * frameBytes), room);
            }
        }

        void drain() {
            long a = Math.min(capture.avail(), received.byteSize() / frameBytes - read);
            if (a > 0) {
                read += capture.read(received.asSlice(read * frameBytes), a);
            }
        }
    }

    /** Nanoseconds of {@code frames} frames at {@code rate}, rounded up. */
    static long nanos(long frames, int rate) {
        return Cable.nanosFor(frames, rate);
    }
}
