package pcmshare.core.api.driver;

import java.util.List;
import java.util.Set;

import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.hw.HwRule;

/**
 * What the core calls on one open substream, as the kernel's snd_pcm_ops.
 *
 * <p>{@link #trigger} and {@link #pointer} are called with the substream's lock
 * held, from application threads and from {@link PcmRuntime#periodElapsed()}:
 * they must not block and must not wait for a thread that is itself calling
 * into the same substream (report progress from another thread, or from within
 * the call: the lock is reentrant). The other ops may block briefly.
 * Failures are reported by throwing
 * {@link pcmshare.core.api.errno.ErrnoException}.
 *
 * <p>Linked substreams (an application's {@code PcmSubstream.link}, ALSA's
 * snd_pcm_link) take every trigger together: the core calls {@link #trigger}
 * on each member of the group with all their locks held, and each member gets
 * the same trigger timestamp. The members may belong to different cards and
 * drivers. A driver learns which substreams one of its substreams is linked
 * with from {@link #linkChanged}.
 */
public interface PcmOps {

    /** {@link #pointer()} result meaning the hardware lost its position: the core stops with XRUN. */
    long POINTER_XRUN = -1;

    /**
     * Rules this substream adds to its hardware-parameter refinement, as a
     * kernel driver's open op calls snd_pcm_hw_rule_add: relations that the
     * card's {@link pcmshare.core.api.pcm.HwConstraints} cannot express, or
     * that depend on the driver's state (a loopback cable whose other end
     * already has parameters). Read once, when the substream opens; the rules
     * run inside hw_refine and hw_params, on the caller's thread, and must not
     * block. Default: none.
     */
    default List<HwRule> hwRules() {
        return List.of();
    }

    /** Hardware parameters were chosen; the buffer is in {@link PcmRuntime#buffer()}. May be called again without hwFree. */
    default void hwParams(HwParams params) {
    }

    /** The hardware setup is released; the buffer goes away after this. */
    default void hwFree() {
    }

    /** Get ready to start from position 0 (called on every prepare). */
    default void prepare() {
    }

    /** Start, stop, pause, suspend or resume the hardware. Must not block. */
    void trigger(Trigger command);

    /** The hardware position in frames within the buffer, in [0, buffer size), or {@link #POINTER_XRUN}. Must not block. */
    long pointer();

    /**
     * appl_ptr moved (the kernel's ack op, called from pcm_lib_apply_appl_ptr):
     * the application wrote or read frames, committed an mmap area, or moved
     * appl_ptr by rewind or forward; {@link PcmRuntime#applPtr()} says where it
     * is now. Called with the stream lock held, like {@link #pointer()}; must not
     * block. Without {@link pcmshare.core.api.pcm.PcmCapability#SYNC_APPLPTR} a
     * running mmap application moves appl_ptr without the lock and without this
     * call: the driver reads it when it needs it. Default: nothing.
     */
    default void ack() {
    }

    /**
     * Frames the hardware holds beyond the position {@link #pointer()} reports
     * (the kernel's runtime->delay: a FIFO, a codec's pipeline): played frames
     * not yet heard, or captured frames not yet in the buffer. The core adds it
     * to {@code PcmSubstream.delay()} and to the status's delay. Called with the
     * stream lock held, like {@link #pointer()}; must not block. Default: 0.
     */
    default long delay() {
        return 0;
    }

    /**
     * The set of substreams this substream is linked with changed; {@code
     * linkedWith} is the new set, without this substream itself, and empty when
     * it is no longer linked (unlinked, its group dissolved, or it is being
     * closed). Called for every member whose set changed, on the thread that
     * called link, unlink or close, before that call returns. Notifications are
     * delivered one at a time, in the order the links changed.
     *
     * <p>While it runs, no trigger of this substream's group can run: a start,
     * stop, pause, prepare, reset, drain, suspend or resume of any member (and
     * an xrun stop of the group) waits until every member has been told. It
     * is <em>not</em> called with the stream locks held, so unlike
     * {@link #trigger} it may block briefly, take the driver's own locks (the
     * same ones its trigger takes) and read the {@link PcmRuntime} and the
     * {@link SubstreamView} views. It must not wait for a thread that is
     * triggering a member of the group, nor for one calling
     * {@link PcmRuntime#xrun()}, {@link PcmRuntime#periodElapsed()} or
     * {@link PcmRuntime#stop} on a member, nor for one reading or writing a
     * member (each of these waits for this call), nor call link or unlink
     * itself. Calls into the core from this thread do not wait.
     *
     * <p>The set is unmodifiable, in a fixed order, and its views stay the same
     * objects for as long as their substreams are open. A driver that follows
     * a linked card's timing (a loopback pacing itself on the linked card's
     * clock) keeps the views it is given here and reads their clock, hardware
     * parameters and pointer lock-free, also from its trigger; the next start
     * of the group cannot come before this call has returned. A closing member
     * is told the empty set before its {@link #close()}. An exception thrown
     * here is ignored: the link has already changed. Default: nothing.
     *
     * @param linkedWith the other members of the group now; empty when unlinked
     */
    default void linkChanged(Set<SubstreamView> linkedWith) {
    }

    /** The substream is closed; the driver lets go of the runtime. */
    default void close() {
    }
}
