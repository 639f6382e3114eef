package pcmshare.core.api.fence;

/**
 * A software timeline (sw_sync): a counter that starts at 0, and fences that
 * signal when the counter reaches their seqno, in seqno order.
 */
public interface Timeline extends AutoCloseable {
    /** The timeline's name, reported as each fence's timeline name. */
    String name();

    /** The context every fence of this timeline carries. */
    long context();

    /** The last value reached. */
    long value();

    /**
     * A fence that signals when the timeline reaches {@code seqno}
     * (SW_SYNC_IOC_CREATE_FENCE). A seqno already reached gives a signalled
     * fence; a seqno with a pending fence gives that same fence.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for a negative seqno,
     *         EBADF once the timeline is closed
     */
    Fence createFence(long seqno);

    /**
     * Moves the timeline forward by {@code increment} (SW_SYNC_IOC_INC) and
     * signals, in order, every fence whose seqno it reached.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EINVAL for a negative
     *         increment, EOVERFLOW past {@link Long#MAX_VALUE}, EBADF once closed
     */
    void advance(long increment);

    /** True once closed. */
    boolean isClosed();

    /**
     * Closes the timeline: every fence still pending signals with ENOENT, as
     * when a sw_sync file is released. Closing again does nothing.
     */
    @Override
    void close();
}
