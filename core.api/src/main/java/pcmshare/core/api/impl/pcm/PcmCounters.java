package pcmshare.core.api.impl.pcm;

import java.util.concurrent.atomic.AtomicInteger;

/** What one engine's cards hold open, for {@link pcmshare.core.api.pcm.PcmCore#diagnostics()}. */
final class PcmCounters {
    final AtomicInteger substreams = new AtomicInteger();
    final AtomicInteger handles = new AtomicInteger();
}
