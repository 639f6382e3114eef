package pcmshare.core.api.fence;

import java.util.List;

/**
 * What SYNC_IOC_FILE_INFO reports (struct sync_file_info).
 *
 * @param name    the sync file's name
 * @param status  pending until every fence signalled; then error if any failed
 * @param fences  one entry per fence, sorted by context
 */
public record SyncFileInfo(String name, FenceStatus status, List<FenceInfo> fences) {
    public SyncFileInfo {
        fences = List.copyOf(fences);
    }

    /** How many of its fences are in {@code status}. */
    public long count(FenceStatus status) {
        return fences.stream().filter(f -> f.status() == status).count();
    }
}
