package pcmshare.shell;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;

/**
 * What {@code share:await} waits for on an exported buffer: a capture period's fence
 * ({@link DmaBuf#periodFence}), or the fences a CPU read or write of the buffer must
 * wait for ({@link DmaBuf#exportSyncFile}), and how the wait is told.
 */
final class FenceWait {
    private final String command;
    private final String what;
    private final Fence fence;

    private FenceWait(String command, String what, Fence fence) {
        this.command = command;
        this.what = what;
        this.fence = fence;
    }

    /**
     * @param period the --period option, or absent
     * @param access the --access option, or absent
     * @param direction the direction of the exported substream: a capture waits for its next period by default,
     *                  a playback for what a CPU write must wait for
     */
    static FenceWait of(String command, String name, DmaBuf buf, Direction direction, String period, String access) {
        if (Options.given(period)) {
            long n = Options.integer(command, "--period", period, 1, Integer.MAX_VALUE);
            return new FenceWait(command, "period " + n + " of " + name, buf.periodFence(n));
        }
        if (Options.given(access) || direction == Direction.PLAYBACK) {
            String a = Options.given(access) ? access.strip().toLowerCase(Locale.ROOT) : "write";
            int flags = switch (a) {
                case "read" -> DmaBuf.SYNC_READ;
                case "write" -> DmaBuf.SYNC_WRITE;
                default -> throw new IllegalArgumentException(command + ": --access '" + access
                        + "' is not allowed; allowed: [read, write]");
            };
            return new FenceWait(command, "what a CPU " + a + " of " + name + " waits for",
                    buf.exportSyncFile(flags).fence());
        }
        long next = buf.periodsCompleted() + 1;
        return new FenceWait(command, "period " + next + " of " + name, buf.periodFence(next));
    }

    /** Waits up to {@code nanos}; says when it signalled, or refuses: ETIMEDOUT, or the fence's error. */
    String await(long nanos) throws InterruptedException {
        long start = System.nanoTime();
        boolean signalled = fence.await(nanos, TimeUnit.NANOSECONDS);
        long waited = System.nanoTime() - start;
        String at = "fence " + fence.context() + ":" + fence.seqno() + " on timeline '" + fence.timelineName() + "'";
        if (!signalled) {
            throw new ErrnoException(Errno.ETIMEDOUT, command, "pending", seconds(nanos) + " s",
                    what + " did not signal within " + seconds(nanos) + " s (" + at + ")");
        }
        Errno error = fence.error();
        if (error != null) {
            throw new ErrnoException(error, command, "signalled with an error", what,
                    at + " signalled " + error + (error == Errno.ENOENT
                            ? ": the capture stopped before the period was complete" : ""));
        }
        return what + " signalled after " + String.format(Locale.ROOT, "%.1f", waited / 1e6) + " ms (" + at + ")";
    }

    private static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
