package pcmshare.core.api.impl.pcm;

/**
 * What the period path writes on every period, under the stream lock: the
 * core's own copy of hw_ptr (published to {@link PositionPages} for readers
 * without the lock), the base and interrupt positions of
 * snd_pcm_update_hw_ptr0, the time of the last update and avail_max. Kept out
 * of {@link Substream}, between paddings of two cache lines each way (the
 * superclass's fields come first in the object, the subclass's last), so that
 * the application thread's lock-free reads of the substream's setup (buffer
 * size, boundary, thresholds, state) do not miss the cache each time a period
 * elapses.
 */
final class HwPtrState extends HwPtrFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/** Two cache lines ahead of the fields. */
abstract class HwPtrPadding {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class HwPtrFields extends HwPtrPadding {
    /** hw_ptr as the core last set it; the status page has the published copy. */
    long hwPtr;
    long hwPtrBase;
    long hwPtrInterrupt;
    long hwPtrTime;
    long availMax;
}
