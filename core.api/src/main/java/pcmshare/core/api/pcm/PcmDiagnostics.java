package pcmshare.core.api.pcm;

/**
 * Counts of what the PCM core holds right now, for leak checks: after every
 * application has closed its handles and every exporter's client has released
 * its buffers, they return to where they were.
 *
 * @param cards           cards present
 * @param openSubstreams  substreams opened and not yet closed (disconnected ones included until closed)
 * @param openHandles     handles on those substreams not yet closed (dups included)
 * @param liveBuffers     pieces of buffer memory made by the core's allocator and not yet freed by their last holder
 * @param liveBufferBytes their total size in bytes
 */
public record PcmDiagnostics(int cards, int openSubstreams, int openHandles, int liveBuffers, long liveBufferBytes) {
}
