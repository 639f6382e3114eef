package pcmshare.core.api.impl.pcm;

import pcmshare.core.api.pcm.PcmState;

/**
 * A state change in four steps, as the kernel's struct action_ops: check every
 * member first ({@link #pre}), then act on each ({@link #run}), undo the ones
 * already done if one fails ({@link #undo}), and finally commit every member
 * with one shared timestamp ({@link #post}). Called with the stream locks of
 * all members held. A linked group runs the same four steps over each member;
 * a lone substream is a group of one.
 */
interface Action {
    /** Checks the member may take the action; throws without changing anything. */
    void pre(Substream s, PcmState arg);

    /** Does it (usually: the driver trigger); may throw. */
    void run(Substream s, PcmState arg);

    /** Takes back {@link #run} on a member after another member failed. */
    default void undo(Substream s, PcmState arg) {
    }

    /** Commits the new state with the group's trigger timestamp. Never throws. */
    void post(Substream s, PcmState arg, long triggerTimestamp);
}
