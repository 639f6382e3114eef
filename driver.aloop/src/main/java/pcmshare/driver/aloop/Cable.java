package pcmshare.driver.aloop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.hw.AlsaFormat;
import pcmshare.core.api.pcm.hw.HwParam;
import pcmshare.core.api.pcm.hw.HwRuleParams;
import pcmshare.core.api.pcm.hw.HwSpace;
import pcmshare.core.api.pcm.hw.Interval;

/**
 * One cable (snd-aloop's loopback_cable): what its playback end plays, its
 * capture end records. Both ends advance on one timeline: from the moment the
 * first end starts, the cable's frame count is the elapsed time on the pacing
 * clock times the rate; every running end moves by the same number of frames,
 * and while both run that many frames are copied from the playback ring into
 * the capture ring in one copy (two or three where a ring wraps). A capture
 * running alone records silence.
 *
 * <p>Locking: the core calls trigger, pointer and hw_params with the end's
 * stream lock held, and those take {@link #lock}; the period timer takes
 * {@link #lock} alone and tells the core of periods after releasing it, so the
 * order is always stream lock, then cable lock.
 */
final class Cable {
    private static final long NANOS = 1_000_000_000L;

    // a monitor: entering it under contention allocates nothing on the heap, where a ReentrantLock would
    private final Object lock = new Object();
    private final Loopback card;
    final int subdevice;
    final int playbackDevice;
    private final Runnable tick = this::tick;

    private LoopbackPcm playback;
    private LoopbackPcm capture;

    /** The loopback card's own clock, known from the first end opened. */
    private Clock own;
    /** The clock pacing the cable now. */
    private Clock clock;
    /** The configured timer source the cached clock was made for. */
    private Loopback.TimerSource sourceOf;
    private Clock sourceClock;

    /** An end runs: the timeline moves. */
    private boolean active;
    private int rate;
    private long originNanos;
    private long originFrames;
    private long frames;
    /** The period timer, made once per pacing clock and re-armed every period. */
    private Clock.Timer timer;
    private Clock timerClock;

    Cable(Loopback card, int subdevice, int playbackDevice) {
        this.card = card;
        this.subdevice = subdevice;
        this.playbackDevice = playbackDevice;
    }

    // ---------------------------------------------------------------- ends

    void attach(LoopbackPcm pcm) {
        synchronized (lock) {
            if (own == null) {
                own = pcm.runtime.clock();
            }
            if (pcm.playback) {
                playback = pcm;
            } else {
                capture = pcm;
            }
            if (!active) {
                clock = desired();
            }
        }
    }

    void detach(LoopbackPcm pcm) {
        synchronized (lock) {
            if (pcm.running) {
                halt(pcm);
            }
            if (playback == pcm) {
                playback = null;
            } else if (capture == pcm) {
                capture = null;
            }
            pcm.hw = null;
            pcm.buffer = null;
            dropSilence(pcm);
            reclockLocked();
        }
    }

    /** The capture end now, or null (tests). */
    LoopbackPcm capture() {
        synchronized (lock) {
            return capture;
        }
    }

    private LoopbackPcm peer(LoopbackPcm pcm) {
        return pcm.playback ? capture : playback;
    }

    // ---------------------------------------------------------------- parameters

    /**
     * The first end to set hardware parameters fixes the cable's access layout,
     * format, rate, channels and period size; the other end must match (EINVAL
     * naming the parameter). With pcm_notify the playback may change them: a
     * capture with the old ones is stopped into DRAINING, as snd-aloop's
     * loopback_check_format does, and must set them again (its start is EIO).
     */
    void hwParams(LoopbackPcm pcm, HwParams p) {
        LoopbackPcm toStop = null;
        synchronized (lock) {
            LoopbackPcm other = peer(pcm);
            HwParams fixed = other != null && !other.stale ? other.hw : null;
            if (fixed != null) {
                String mismatch = mismatch(p, fixed);
                if (mismatch != null) {
                    if (pcm.playback && card.notifyEnabled()) {
                        other.stale = true;
                        if (other.running) {
                            toStop = other;
                        }
                    } else {
                        throw new ErrnoException(Errno.EINVAL, "hw_params", pcm.runtime.state(),
                                valueOf(mismatch, p), mismatch + " " + valueOf(mismatch, p)
                                        + " does not match the cable's " + valueOf(mismatch, fixed) + ", fixed by "
                                        + other.describe() + " of card " + card.id()
                                        + " (the first end to set hw_params fixes the cable)");
                    }
                }
            }
            pcm.hw = p;
            pcm.buffer = pcm.runtime.buffer();
            pcm.bufferSize = p.bufferSize();
            pcm.periodSize = p.periodSize();
            pcm.frameBytes = p.frameBytes();
            pcm.sampleBytes = p.format().bytes();
            pcm.channels = p.channels();
            pcm.interleaved = p.access().isInterleaved();
            pcm.stale = false;
            if (!pcm.playback) {
                // made once per setup: the period path copies silence without allocating
                dropSilence(pcm);
                pcm.silenceArena = Arena.ofShared();
                pcm.silence = pcm.silenceArena.allocate(p.bufferBytes());
                pcm.silence.fill(p.format().silenceByte());
            }
        }
        if (toStop != null) {
            stopLater(toStop);
        }
    }

    /**
     * Stops a capture whose playback changed format into DRAINING. Not from
     * here: the playback's stream lock is held, and taking the capture's could
     * deadlock against a group action that holds it and waits for the playback's.
     */
    private void stopLater(LoopbackPcm cap) {
        Clock c = own;
        c.schedule(c.nanoTime(), () -> {
            if (cap.stale) {
                cap.runtime.stop(PcmState.DRAINING);
            }
        });
    }

    /**
     * A rule of {@code pcm}'s refinement: narrows {@code param} to the cable's
     * value while the other end has parameters that bind this end (not for a
     * playback that may change them, with pcm_notify). EINVAL naming the
     * parameter and the end that fixed it, as {@link #hwParams} words it.
     */
    boolean refineByPeer(LoopbackPcm pcm, HwRuleParams params, HwParam param) {
        HwParams fixed;
        String fixedBy;
        synchronized (lock) {
            LoopbackPcm other = peer(pcm);
            if (other == null || other.stale || other.hw == null || pcm.playback && card.notifyEnabled()) {
                return false;
            }
            fixed = other.hw;
            fixedBy = other.describe();
        }
        String name = param == HwParam.ACCESS ? "access" : param.name().toLowerCase(Locale.ROOT);
        String ours = name.equals("access") ? (String) valueOf(name, fixed) : String.valueOf(valueOf(name, fixed));
        if (param.isMask()) {
            long bits = param == HwParam.ACCESS
                    ? fixed.access().isInterleaved() ? INTERLEAVED_ACCESS : NONINTERLEAVED_ACCESS
                    : 1L << AlsaFormat.of(fixed.format()).number();
            if ((params.mask(param) & bits) == 0) {
                throw params.refused(param, name, name + " " + describeMask(param, params.mask(param))
                        + " does not match the cable's " + ours + ", fixed by " + fixedBy + " of card " + card.id()
                        + " (the first end to set hw_params fixes the cable)");
            }
            return params.refineMask(param, bits);
        }
        long value = param == HwParam.RATE ? fixed.rate()
                : param == HwParam.CHANNELS ? fixed.channels() : fixed.periodSize();
        Interval asked = params.interval(param);
        if (!asked.contains(value)) {
            throw params.refused(param, asked, name + " " + (asked.isSingle() ? asked.value() : asked)
                    + " does not match the cable's " + ours + ", fixed by " + fixedBy + " of card " + card.id()
                    + " (the first end to set hw_params fixes the cable)");
        }
        return params.refine(param, Interval.single(value));
    }

    private static final long INTERLEAVED_ACCESS = 1L << HwSpace.accessNumber(Access.MMAP_INTERLEAVED)
            | 1L << HwSpace.accessNumber(Access.RW_INTERLEAVED);
    private static final long NONINTERLEAVED_ACCESS = 1L << HwSpace.accessNumber(Access.MMAP_NONINTERLEAVED)
            | 1L << HwSpace.accessNumber(Access.RW_NONINTERLEAVED);

    private static String describeMask(HwParam param, long mask) {
        if (param == HwParam.ACCESS) {
            boolean i = (mask & INTERLEAVED_ACCESS) != 0;
            boolean n = (mask & NONINTERLEAVED_ACCESS) != 0;
            return i == n ? "any" : i ? "interleaved" : "non-interleaved";
        }
        return HwSpace.any().withMask(param, mask).describe(param);
    }

    private static String mismatch(HwParams p, HwParams fixed) {
        if (p.access().isInterleaved() != fixed.access().isInterleaved()) {
            return "access";
        }
        if (p.format() != fixed.format()) {
            return "format";
        }
        if (p.rate() != fixed.rate()) {
            return "rate";
        }
        if (p.channels() != fixed.channels()) {
            return "channels";
        }
        if (p.periodSize() != fixed.periodSize()) {
            return "period_size";
        }
        return null;
    }

    private static Object valueOf(String param, HwParams p) {
        return switch (param) {
            case "access" -> p.access().isInterleaved() ? "interleaved" : "non-interleaved";
            case "format" -> p.format();
            case "rate" -> p.rate();
            case "channels" -> p.channels();
            default -> p.periodSize();
        };
    }

    void hwFree(LoopbackPcm pcm) {
        synchronized (lock) {
            pcm.hw = null;
            pcm.buffer = null;
            dropSilence(pcm);
        }
    }

    /** The setup's silence goes with it, at once: native memory is not left for the garbage collector. Under lock. */
    private static void dropSilence(LoopbackPcm pcm) {
        Arena arena = pcm.silenceArena;
        pcm.silenceArena = null;
        pcm.silence = null;
        if (arena != null) {
            arena.close();
        }
    }

    void prepare(LoopbackPcm pcm) {
        synchronized (lock) {
            pcm.pos = 0;
            pcm.done = 0;
            pcm.reportedPeriods = 0;
            pcm.drainEnd = -1;
            pcm.buffer = pcm.runtime.buffer();
            if (!pcm.playback) {
                // loopback_prepare clears the capture buffer
                MemorySegment.copy(pcm.silence, 0, pcm.buffer, 0, pcm.silence.byteSize());
                pcm.silent = pcm.bufferSize;
            }
        }
    }

    // ---------------------------------------------------------------- triggers

    void start(LoopbackPcm pcm, boolean fresh) {
        synchronized (lock) {
            if (fresh && pcm.stale) {
                // loopback_check_format: a capture whose format the playback changed
                throw new ErrnoException(Errno.EIO, "trigger", pcm.runtime.state(), "START",
                        "the playback of this cable changed its parameters; set hw_params again ("
                                + pcm.describe() + " of card " + card.id() + ")");
            }
            if (fresh) {
                pcm.drainEnd = -1;
            }
            if (active) {
                update();
            } else {
                active = true;
                clock = desired();
                rate = pcm.hw.rate();
                originNanos = clock.nanoTime();
                originFrames = frames;
            }
            pcm.running = true;
            pcm.reportedPeriods = pcm.done / pcm.periodSize;
            arm();
        }
    }

    void stop(LoopbackPcm pcm) {
        synchronized (lock) {
            if (pcm.running) {
                update();
                halt(pcm);
            }
        }
    }

    private void halt(LoopbackPcm pcm) {
        pcm.running = false;
        active = (playback != null && playback.running) || (capture != null && capture.running);
        arm();
    }

    /** Playback started draining: the capture gets exactly what was queued, then silence. */
    void drain(LoopbackPcm pcm) {
        synchronized (lock) {
            update();
            if (pcm.playback) {
                pcm.drainEnd = pcm.done + pcm.queued();
            }
        }
    }

    long pointer(LoopbackPcm pcm) {
        synchronized (lock) {
            update();
            return pcm.pos;
        }
    }

    // ---------------------------------------------------------------- clocks

    /** The clock that should pace the cable now (see {@link Loopback}). */
    private Clock desired() {
        Loopback.TimerSource s = card.timerSource();
        if (s != null && own != null) {
            if (sourceOf != s) {
                sourceOf = s;
                sourceClock = Loopback.clockOf(s, own);
            }
            return sourceClock;
        }
        Clock linked = playback != null ? playback.linkedClock() : null;
        if (linked == null && capture != null) {
            linked = capture.linkedClock();
        }
        return linked != null ? linked : own;
    }

    /** Follows the clock that should pace the cable; true when a running cable switched. */
    boolean reclock() {
        synchronized (lock) {
            return reclockLocked();
        }
    }

    private boolean reclockLocked() {
        Clock want = desired();
        if (want == null || want == clock) {
            return false;
        }
        if (!active) {
            clock = want;
            return false;
        }
        // position continuity: what ran on the old clock is counted, the new one counts from now
        update();
        clock = want;
        originNanos = want.nanoTime();
        originFrames = frames;
        arm();
        return true;
    }

    /** The clock pacing the cable now (tests). */
    Clock clock() {
        synchronized (lock) {
            return clock;
        }
    }

    // ---------------------------------------------------------------- the timeline

    /** Brings the cable up to the pacing clock's now. Allocates nothing. */
    private void update() {
        if (!active) {
            return;
        }
        long target = originFrames + framesIn(clock.nanoTime() - originNanos, rate);
        long delta = target - frames;
        if (delta <= 0) {
            return;
        }
        frames = target;
        LoopbackPcm p = playback;
        LoopbackPcm c = capture;
        boolean playing = p != null && p.running;
        if (c != null && c.running) {
            if (playing && !c.stale) {
                copy(p, c, delta);
            } else {
                silence(c, c.pos, delta);
            }
            c.step(delta);
        }
        if (playing) {
            p.step(delta);
        }
    }

    /** copy_play_buf: {@code n} frames from the playback ring to the capture ring, trimmed at a drain's end. */
    private static void copy(LoopbackPcm p, LoopbackPcm c, long n) {
        long data = n;
        if (p.drainEnd >= 0) {
            data = Math.max(0, Math.min(n, p.drainEnd - p.done));
        }
        // of more than a capture ring, only the last ring's worth stays
        long skip = data > c.bufferSize ? data - c.bufferSize : 0;
        long src = (p.pos + skip) % p.bufferSize;
        long dst = (c.pos + skip) % c.bufferSize;
        long left = data - skip;
        while (left > 0) {
            long k = Math.min(left, Math.min(p.bufferSize - src, c.bufferSize - dst));
            if (p.interleaved) {
                MemorySegment.copy(p.buffer, src * p.frameBytes, c.buffer, dst * c.frameBytes, k * c.frameBytes);
            } else {
                for (int ch = 0; ch < c.channels; ch++) {
                    MemorySegment.copy(p.buffer, (ch * p.bufferSize + src) * p.sampleBytes, c.buffer,
                            (ch * c.bufferSize + dst) * c.sampleBytes, k * c.sampleBytes);
                }
            }
            left -= k;
            src = (src + k) % p.bufferSize;
            dst = (dst + k) % c.bufferSize;
        }
        if (data > 0) {
            c.silent = 0;
        }
        if (n > data) {
            silence(c, (c.pos + data) % c.bufferSize, n - data);
        }
    }

    /** clear_capture_buf: silence over {@code n} frames from {@code at}, unless the ring is silent already. */
    private static void silence(LoopbackPcm c, long at, long n) {
        if (c.silent >= c.bufferSize) {
            return;
        }
        long left = Math.min(n, c.bufferSize - c.silent);
        c.silent += left;
        long dst = at;
        while (left > 0) {
            long k = Math.min(left, c.bufferSize - dst);
            if (c.interleaved) {
                MemorySegment.copy(c.silence, 0, c.buffer, dst * c.frameBytes, k * c.frameBytes);
            } else {
                for (int ch = 0; ch < c.channels; ch++) {
                    MemorySegment.copy(c.silence, 0, c.buffer, (ch * c.bufferSize + dst) * c.sampleBytes,
                            k * c.sampleBytes);
                }
            }
            left -= k;
            dst = (dst + k) % c.bufferSize;
        }
    }

    /** Re-arms the period timer for the next period end of a running end; none when nothing runs. */
    private void arm() {
        if (!active) {
            if (timer != null) {
                timer.cancel();
            }
            return;
        }
        long next = Long.MAX_VALUE;
        LoopbackPcm p = playback;
        LoopbackPcm c = capture;
        if (p != null && p.running) {
            next = p.periodSize - p.done % p.periodSize;
        }
        if (c != null && c.running) {
            next = Math.min(next, c.periodSize - c.done % c.periodSize);
        }
        long deadline = originNanos + nanosFor(frames + next - originFrames, rate);
        if (timerClock != clock) {
            // the cable switched clocks: the old clock's timer must not fire on the new timeline
            if (timer != null) {
                timer.cancel();
            }
            timer = clock.newTimer(tick);
            timerClock = clock;
        }
        timer.schedule(deadline);
    }

    /** The period timer: moves the cable, re-arms, then tells the core of the periods that ended. */
    private void tick() {
        LoopbackPcm p = null;
        LoopbackPcm c = null;
        synchronized (lock) {
            if (!active) {
                return;
            }
            update();
            if (playback != null && playback.running && playback.periodDue()) {
                p = playback;
            }
            if (capture != null && capture.running && capture.periodDue()) {
                c = capture;
            }
            arm();
        }
        if (p != null) {
            p.runtime.periodElapsed();
        }
        if (c != null) {
            c.runtime.periodElapsed();
        }
    }

    /** Whole frames in {@code nanos} at {@code rate}, without overflow. */
    static long framesIn(long nanos, int rate) {
        return nanos / NANOS * rate + nanos % NANOS * rate / NANOS;
    }

    /** The first time, in nanoseconds from the origin, at which {@code frames} frames have elapsed. */
    static long nanosFor(long frames, int rate) {
        return frames / rate * NANOS + -Math.floorDiv(-(frames % rate * NANOS), rate);
    }

    /** Frames the cable has moved since it was made (tests). */
    long frames() {
        synchronized (lock) {
            return frames;
        }
    }
}
