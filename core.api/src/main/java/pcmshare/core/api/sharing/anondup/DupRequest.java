package pcmshare.core.api.sharing.anondup;

import java.util.Objects;

import pcmshare.core.api.pcm.PcmSubstream;

/**
 * What the anondup {@link pcmshare.core.api.sharing.BufferExporter} exports: a dup
 * of {@code handle} with {@code permissions}. Each import of the exported handle
 * yields a further handle with the same permissions, owned by the importer.
 */
public record DupRequest(PcmSubstream handle, PcmPermissions permissions) {
    public DupRequest {
        Objects.requireNonNull(handle, "handle");
    }

    public static DupRequest of(PcmSubstream handle, Preset preset) {
        return new DupRequest(handle, preset.permissions());
    }
}
