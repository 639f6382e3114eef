package pcmshare.core.api.impl.fence;

/** A fence of a {@link CoreTimeline}, linked into its seqno-ordered list while pending. */
final class TimelineFence extends CoreFence {
    // guarded by the timeline's lock while linked; the signalling thread owns them once detached
    TimelineFence prev;
    TimelineFence next;

    TimelineFence(Object timelineLock, long context, long seqno, String timelineName) {
        super(timelineLock, context, seqno, timelineName, "sw_sync");
    }
}
