package pcmshare.sharing.dmabuf;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.Timeline;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * The fences of an exported capture buffer, one per period: the capture writes
 * the buffer, so the fence of the period in progress is a WRITE fence in the
 * buffer's reservation, and readers wait for it without polling. Periods are
 * counted from the export; the fence of period {@code k} is the timeline's fence
 * at seqno {@code k}.
 *
 * <p>A fence must signal in finite time, so when the capture stops the timeline
 * is closed (its pending fences signal with ENOENT: no data will complete them)
 * and a new one, at the count reached, takes its place for the next run.
 */
final class CapturePeriods implements PeriodListener {
    private final Fences fences;
    private final Reservation reservation;
    private final String name;
    private final long periodSize;
    private final long boundary;
    // guarded by this
    private Timeline timeline;
    private long lastHwPtr;
    private long framesInPeriod;
    private long completed;
    private boolean closed;

    private CapturePeriods(Fences fences, Reservation reservation, String name, long periodSize, long boundary) {
        this.fences = fences;
        this.reservation = reservation;
        this.name = name;
        this.periodSize = periodSize;
        this.boundary = boundary;
        this.timeline = fences.newTimeline(name);
    }

    /** Starts counting at the substream's position now and listens for its periods. */
    static CapturePeriods start(PcmSubstream substream, Fences fences, Reservation reservation, String name) {
        CapturePeriods p = new CapturePeriods(fences, reservation, name + "/periods",
                substream.hwParams().periodSize(), substream.swParams().boundary());
        PcmStatus status = substream.status();
        synchronized (p) {
            p.lastHwPtr = status.hwPtr();
            p.framesInPeriod = status.hwPtr() % p.periodSize;
            if (status.state() == PcmState.RUNNING) {
                p.armNext();
            }
        }
        try {
            substream.addPeriodListener(p);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** The period in progress is written by the capture: readers wait for its fence. */
    private void armNext() {
        reservation.addFence(timeline.createFence(completed + 1), Reservation.Usage.WRITE);
    }

    @Override
    public synchronized void periodElapsed(SubstreamView substream, long hwPtr) {
        if (closed) {
            return;
        }
        long delta = hwPtr - lastHwPtr;
        if (delta < 0) {
            delta += boundary;
        }
        lastHwPtr = hwPtr;
        framesInPeriod += delta;
        long n = framesInPeriod / periodSize;
        framesInPeriod -= n * periodSize;
        if (n > 0) {
            completed += n;
            timeline.advance(n);
        }
        armNext();
    }

    @Override
    public synchronized void stopped(SubstreamView substream, PcmState state) {
        if (closed) {
            return;
        }
        // the next run starts from a prepare, which puts hw_ptr back to 0
        lastHwPtr = 0;
        framesInPeriod = 0;
        Timeline old = timeline;
        timeline = fences.newTimeline(name);
        if (completed > 0) {
            timeline.advance(completed);
        }
        old.close();
    }

    synchronized Fence fence(long period) {
        if (period < 0) {
            throw new ErrnoException(Errno.EINVAL, "period_fence", null, period, "negative period");
        }
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "period_fence", "released", period, "the buffer was released");
        }
        return timeline.createFence(period);
    }

    synchronized long completed() {
        return completed;
    }

    /** The buffer is released: what is still pending signals with ENOENT. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            timeline.close();
        }
    }
}
