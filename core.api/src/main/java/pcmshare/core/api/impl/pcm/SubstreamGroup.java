package pcmshare.core.api.impl.pcm;

/**
 * The substreams that take trigger actions together. Today every substream is
 * its own group of one; snd_pcm_link semantics will put several in one group,
 * whose actions then run on all members with their locks held in a fixed order.
 */
final class SubstreamGroup {
    private volatile Substream[] members;

    SubstreamGroup(Substream only) {
        this.members = new Substream[] {only};
    }

    /** The members; the array is never modified, so callers may iterate it without copying. */
    Substream[] members() {
        return members;
    }

    int size() {
        return members.length;
    }
}
