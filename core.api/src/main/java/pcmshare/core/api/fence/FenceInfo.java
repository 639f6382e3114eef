package pcmshare.core.api.fence;

import pcmshare.core.api.errno.Errno;

/**
 * One fence as sync_file_info reports it (struct sync_fence_info).
 *
 * @param timelineName    the timeline's name (obj_name)
 * @param driverName      who made the fence: {@code sw_sync}, {@code pcmshare} or {@code stub}
 * @param context         the fence's context
 * @param seqno           the fence's sequence number on its context
 * @param status          pending, signalled or error
 * @param error           the error it signalled with, or null
 * @param timestampNanos  {@link System#nanoTime()} when it signalled, 0 while pending
 */
public record FenceInfo(String timelineName, String driverName, long context, long seqno,
        FenceStatus status, Errno error, long timestampNanos) {
}
