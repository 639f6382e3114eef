package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.SETUP;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.pcm.hw.HwSpace;

/**
 * Hardware and software parameters, as pcm_native.c's snd_pcm_hw_params,
 * snd_pcm_hw_free and snd_pcm_sw_params: the state rules, the driver's
 * declared constraints, the ring buffer that comes with a setup, the boundary
 * and the default software parameters.
 */
final class PcmParams {
    /** Periods per buffer up to which {@link MmapSteadyState#area} keeps one record per period offset. */
    private static final long MAX_CACHED_AREAS = 1024;

    private PcmParams() {
    }

    static HwParams hwParams(Substream s, HwParams p) {
        s.lockStream();
        try {
            s.checkUsable("hw_params");
            switch (s.state) {
                case OPEN, SETUP, PREPARED -> {
                    if (s.mmapCount > 0) {
                        throw s.refuse(EBADFD, "hw_params", s.mmapCount, "the buffer is mapped");
                    }
                }
                default -> throw s.refuse(EBADFD, "hw_params", null, "only in OPEN, SETUP or PREPARED");
            }
            SharedMemory memory;
            // a write begun lock-free before the stream stopped finishes its copy before the ring changes
            s.pages.awaitBufferIdle();
            try {
                validate(s, p);
                long bytes = p.bufferBytes();
                if (s.bufferMemory != null && s.bufferMemory.byteSize() == bytes) {
                    memory = s.bufferMemory;
                    // a new setup must not show the previous stream's samples
                    memory.segment().fill((byte) 0);
                } else {
                    releaseBuffer(s);
                    memory = s.allocator.allocate("pcm-" + s.card.id() + "-" + s.device() + (s.playback ? "p" : "c")
                            + s.subdevice(), bytes);
                }
            } catch (RuntimeException e) {
                failed(s, s.hw != null);
                throw e;
            }
            install(s, p, memory);
            try {
                s.ops.hwParams(p);
            } catch (RuntimeException e) {
                failed(s, true);
                throw s.driverFailure("hw_params", e);
            }
            // snd_pcm_hw_params: the default software parameters
            s.pages.publishAvailMin(s.periodSize);
            s.startThreshold = 1;
            s.stopThreshold = s.bufferSize;
            s.silenceThreshold = 0;
            s.silenceSize = 0;
            s.setState(SETUP);
            return p;
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * snd_pcm_hw_params, _error: "hardware might be unusable from this time, so
     * we force application to retry to set the correct hardware parameter
     * settings": OPEN, the driver's hw_free, the buffer gone. A substream that
     * had no setup has nothing for the driver to free.
     */
    private static void failed(Substream s, boolean driverHasSetup) {
        s.setState(OPEN);
        if (driverHasSetup) {
            try {
                s.ops.hwFree();
            } catch (RuntimeException ignored) {
                // the hw_params failure is what the caller needs to see
            }
        }
        uninstall(s);
    }

    private static void validate(Substream s, HwParams p) {
        HwConstraints c = s.constraints;
        if (!c.accesses().contains(p.access())) {
            throw s.refuse(EINVAL, "hw_params", p.access(), "access " + p.access() + " not in " + c.accesses());
        }
        if (!c.formats().contains(p.format())) {
            throw s.refuse(EINVAL, "hw_params", p.format(), "format " + p.format() + " not in " + c.formats());
        }
        checkRange(s, "channels", p.channels(), c.channels());
        checkRange(s, "rate", p.rate(), c.rates());
        if (!c.discreteRates().isEmpty() && !c.discreteRates().contains(p.rate())) {
            throw s.refuse(EINVAL, "hw_params", p.rate(), "rate " + p.rate() + " not in " + c.discreteRates());
        }
        checkRange(s, "period_size", p.periodSize(), c.periodSize());
        checkRange(s, "periods", p.periods(), c.periods());
        checkRange(s, "buffer_size", p.bufferSize(), c.bufferSize());
        // the exact parameters are one point of the space: the driver's rules must allow it too
        s.refiner.refine(HwSpace.of(p), "hw_params");
    }

    private static void checkRange(Substream s, String param, long value, Range allowed) {
        if (!allowed.contains(value)) {
            throw s.refuse(EINVAL, "hw_params", value, param + " " + value + " outside " + allowed);
        }
    }

    private static void install(Substream s, HwParams p, SharedMemory memory) {
        s.hw = p;
        s.bufferMemory = memory;
        s.buffer = memory.segment();
        PlaybackSilence.release(s);
        s.bufferSize = p.bufferSize();
        s.periodSize = p.periodSize();
        s.frameBytes = p.frameBytes();
        s.sampleBytes = p.format().bytes();
        s.channels = p.channels();
        s.bufferNanos = p.framesToNanos(s.bufferSize);
        s.boundary = boundary(s.bufferSize, s.pointerLimit);
        s.publishHwPtr(0);
        s.pages.publishApplPtr(0);
        long periods = s.bufferSize / s.periodSize;
        s.mmapAreas = periods <= MAX_CACHED_AREAS ? new MmapArea[2 * (int) periods] : null;
        s.ptrs.hwPtrBase = 0;
        s.ptrs.hwPtrInterrupt = 0;
    }

    static void uninstall(Substream s) {
        s.pages.awaitBufferIdle();
        s.hw = null;
        s.mmapAreas = null;
        releaseBuffer(s);
        PlaybackSilence.release(s);
    }

    private static void releaseBuffer(Substream s) {
        if (s.bufferMemory != null) {
            s.bufferMemory.release();
            s.bufferMemory = null;
            s.buffer = null;
        }
    }

    /**
     * As snd_pcm_hw_params: the largest power-of-two multiple of the buffer size
     * that leaves room for one more buffer below {@code limit} (LONG_MAX; 32-bit
     * compat uses 0x7fffffff).
     */
    static long boundary(long bufferSize, long limit) {
        long b = bufferSize;
        while (b <= (limit - bufferSize) / 2) {
            b *= 2;
        }
        return b;
    }

    static void hwFree(Substream s) {
        s.lockStream();
        try {
            s.checkUsable("hw_free");
            switch (s.state) {
                case SETUP, PREPARED -> {
                    if (s.mmapCount > 0) {
                        throw s.refuse(EBADFD, "hw_free", s.mmapCount, "the buffer is mapped");
                    }
                }
                default -> throw s.refuse(EBADFD, "hw_free", null, "only in SETUP or PREPARED");
            }
            try {
                s.ops.hwFree();
            } finally {
                uninstall(s);
                s.setState(OPEN);
            }
        } finally {
            s.lock.unlock();
        }
    }

    static SwParams swParams(Substream s, SwParams p) {
        s.lockStream();
        try {
            s.checkUsable("sw_params");
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "sw_params", null, "no hardware parameters yet");
            }
            if (p.availMin() <= 0) {
                throw s.refuse(EINVAL, "sw_params", p.availMin(), "avail_min must be at least 1");
            }
            if (p.startThreshold() < 0 || p.stopThreshold() < 0 || p.silenceThreshold() < 0 || p.silenceSize() < 0) {
                throw s.refuse(EINVAL, "sw_params", p, "thresholds and sizes are frame counts, not negative");
            }
            if (p.silenceSize() >= s.boundary) {
                if (p.silenceThreshold() != 0) {
                    throw s.refuse(EINVAL, "sw_params", p.silenceThreshold(),
                            "silence_threshold must be 0 when silence_size >= boundary " + s.boundary);
                }
            } else {
                if (p.silenceSize() > p.silenceThreshold()) {
                    throw s.refuse(EINVAL, "sw_params", p.silenceSize(),
                            "silence_size above silence_threshold " + p.silenceThreshold());
                }
                if (p.silenceThreshold() > s.bufferSize) {
                    throw s.refuse(EINVAL, "sw_params", p.silenceThreshold(),
                            "silence_threshold above buffer_size " + s.bufferSize);
                }
            }
            s.pages.publishAvailMin(p.availMin());
            s.startThreshold = p.startThreshold();
            s.stopThreshold = p.stopThreshold();
            s.silenceThreshold = p.silenceThreshold();
            s.silenceSize = p.silenceSize();
            if (s.running()) {
                if (s.playback && s.silenceSize > 0) {
                    PlaybackSilence.fill(s, -1);
                }
                if (HwPtr.updateState(s) < 0) {
                    throw s.refuse(EPIPE, "sw_params", s.stopThreshold, "the new thresholds stopped the stream");
                }
            }
            return currentSwParams(s);
        } finally {
            s.lock.unlock();
        }
    }

    static SwParams currentSwParams(Substream s) {
        return new SwParams(s.pages.availMin(), s.startThreshold, s.stopThreshold, s.silenceThreshold, s.silenceSize,
                s.boundary);
    }
}
