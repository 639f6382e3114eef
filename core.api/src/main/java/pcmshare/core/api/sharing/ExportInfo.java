package pcmshare.core.api.sharing;

import java.util.List;

/**
 * A live exported object, as a listing shows it.
 *
 * @param type      the exporter's mechanism
 * @param id        unique within the exporter
 * @param name      what was exported, for humans
 * @param byteSize  size in bytes
 * @param refCount  open handles
 * @param holders   who holds them
 */
public record ExportInfo(String type, long id, String name, long byteSize, int refCount, List<String> holders) {
    public ExportInfo {
        holders = List.copyOf(holders);
    }
}
