package pcmshare.driver.aloop;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.hw.HwParam;
import pcmshare.core.api.pcm.hw.HwRule;

/**
 * One open end of a cable (snd-aloop's loopback_pcm). Its fields other than
 * {@link #linked} are guarded by the cable's lock.
 */
final class LoopbackPcm implements PcmOps {
    final Cable cable;
    final PcmRuntime runtime;
    final boolean playback;

    HwParams hw;
    MemorySegment buffer;
    long bufferSize;
    long periodSize;
    int frameBytes;
    int sampleBytes;
    int channels;
    boolean interleaved;

    /** Advancing with the cable (started and not paused). */
    boolean running;
    /** Position in the ring, in frames. */
    long pos;
    /** Frames processed since prepare. */
    long done;
    /** {@link #done} / period size when the core was last told of a period. */
    long reportedPeriods;
    /** Capture: the format's silence, one ring's worth, made at hw_params. */
    MemorySegment silence;
    /** Owns {@link #silence}; closed when the setup goes. */
    java.lang.foreign.Arena silenceArena;
    /** Capture: frames of the ring known to hold silence (snd-aloop's silent_size). */
    long silent;
    /** Playback draining: {@link #done} at which the queued frames end; -1 when not draining. */
    long drainEnd = -1;
    /** Capture: playback changed the cable's parameters (pcm_notify); hw_params must be set again. */
    volatile boolean stale;
    /** The clock of the card this substream is linked with, or null. */
    volatile SubstreamView linked;

    LoopbackPcm(Cable cable, PcmRuntime runtime, boolean playback) {
        this.cable = cable;
        this.runtime = runtime;
        this.playback = playback;
    }

    /**
     * snd-aloop's loopback_open rules: once the other end of the cable has
     * hardware parameters, this end's access layout, format, rate, channels and
     * period size are narrowed to the cable's, so an application refining this
     * end sees only what it can set.
     */
    @Override
    public List<HwRule> hwRules() {
        return List.of(
                HwRule.of(HwParam.ACCESS, p -> cable.refineByPeer(this, p, HwParam.ACCESS), HwParam.ACCESS),
                HwRule.of(HwParam.FORMAT, p -> cable.refineByPeer(this, p, HwParam.FORMAT), HwParam.FORMAT),
                HwRule.of(HwParam.RATE, p -> cable.refineByPeer(this, p, HwParam.RATE), HwParam.RATE),
                HwRule.of(HwParam.CHANNELS, p -> cable.refineByPeer(this, p, HwParam.CHANNELS), HwParam.CHANNELS),
                HwRule.of(HwParam.PERIOD_SIZE, p -> cable.refineByPeer(this, p, HwParam.PERIOD_SIZE),
                        HwParam.PERIOD_SIZE));
    }

    @Override
    public void hwParams(HwParams params) {
        cable.hwParams(this, params);
    }

    @Override
    public void hwFree() {
        cable.hwFree(this);
    }

    @Override
    public void prepare() {
        cable.prepare(this);
    }

    @Override
    public void trigger(Trigger command) {
        switch (command) {
            case START -> cable.start(this, true);
            case PAUSE_RELEASE, RESUME -> cable.start(this, false);
            case STOP, PAUSE_PUSH, SUSPEND -> cable.stop(this);
            case DRAIN -> cable.drain(this);
        }
    }

    @Override
    public long pointer() {
        return cable.pointer(this);
    }

    @Override
    public void linkChanged(Set<SubstreamView> linkedWith) {
        SubstreamView other = null;
        for (SubstreamView v : linkedWith) {
            // another end of this loopback is no clock to follow
            if (!v.cardId().equals(runtime.cardId())) {
                other = v;
                break;
            }
        }
        linked = other;
        cable.reclock();
    }

    Clock linkedClock() {
        SubstreamView v = linked;
        return v == null ? null : v.clock();
    }

    @Override
    public void close() {
        linked = null;
        cable.detach(this);
    }

    /** Moves this end {@code frames} frames on. */
    void step(long frames) {
        pos = (pos + frames) % bufferSize;
        done += frames;
    }

    /** Whether a period ended since the core was last told; marks it told. */
    boolean periodDue() {
        long k = done / periodSize;
        if (k != reportedPeriods) {
            reportedPeriods = k;
            return true;
        }
        return false;
    }

    /** Playback: frames queued from {@link #pos} up to appl_ptr (snd-aloop's copy_play_buf drain trim). */
    long queued() {
        long appl = runtime.applPtr();
        long hwPtr = runtime.hwPtr();
        if (appl != hwPtr && Math.floorMod(appl - hwPtr, bufferSize) == 0 && pos == hwPtr % bufferSize) {
            // a full buffer: nothing played since the core last looked
            return bufferSize;
        }
        return Math.floorMod(appl % bufferSize - pos, bufferSize);
    }

    String describe() {
        return (playback ? "playback " : "capture ") + runtime.device() + "," + runtime.subdevice();
    }

    @Override
    public String toString() {
        return "aloop " + runtime.cardId() + " " + describe();
    }
}
