package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.RUNNING;

import java.util.concurrent.atomic.AtomicBoolean;

import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmMapping;

/**
 * The mapped ring, as pcm_native.c's snd_pcm_mmap_data (a mapping counted in
 * mmap_count, which keeps hw_params and hw_free out) and alsa-lib's
 * snd_pcm_mmap_begin and snd_pcm_mmap_commit (pcm_lib.c's
 * pcm_lib_apply_appl_ptr moves appl_ptr).
 */
final class MmapAccess {
    private MmapAccess() {
    }

    static PcmMapping map(Substream s) {
        s.lockStream();
        try {
            s.checkUsable("mmap");
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "mmap", null, "no hardware parameters");
            }
            if (!s.hw.access().isMmap()) {
                throw s.refuse(EINVAL, "mmap", s.hw.access(),
                        "mapping needs MMAP_INTERLEAVED or MMAP_NONINTERLEAVED access");
            }
            SharedMemory memory = s.bufferMemory.retain();
            s.mmapCount++;
            return new Mapping(s, memory);
        } finally {
            s.lock.unlock();
        }
    }

    private static final class Mapping implements PcmMapping {
        private final Substream s;
        private final SharedMemory memory;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Mapping(Substream s, SharedMemory memory) {
            this.s = s;
            this.memory = memory;
        }

        @Override
        public SharedMemory memory() {
            return memory;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                s.lockStream();
                try {
                    s.mmapCount--;
                } finally {
                    s.lock.unlock();
                }
                memory.release();
            }
        }
    }

    private static void checkAccess(Substream s, String op) {
        s.checkUsable(op);
        if (s.state == OPEN) {
            throw s.refuse(EBADFD, op, null, "no hardware parameters");
        }
        if (!s.hw.access().isMmap()) {
            throw s.refuse(EINVAL, op, s.hw.access(), "needs MMAP_INTERLEAVED or MMAP_NONINTERLEAVED access");
        }
        Transfer.accessibleState(s, op);
    }

    /**
     * alsa-lib's snd_pcm_mmap_begin: in the steady state (RUNNING, the
     * published positions leave room for what is asked) it reads hw_ptr and
     * appl_ptr from the position pages without the stream lock, as alsa-lib
     * reads the mapped status page. Otherwise it synchronises with the driver
     * under the lock first, as a hwsync would.
     */
    static MmapArea begin(Substream s, long frames) {
        MmapArea area = MmapSteadyState.begin(s, frames);
        return area != null ? area : beginLocked(s, frames);
    }

    private static MmapArea beginLocked(Substream s, long frames) {
        s.lockStream();
        try {
            checkAccess(s, "mmap_begin");
            if (frames < 0) {
                throw s.refuse(EINVAL, "mmap_begin", frames, "negative frame count");
            }
            if (s.state == RUNNING) {
                HwPtr.update(s, false);
                Transfer.accessibleState(s, "mmap_begin");
            }
            long applOfs = s.pages.applPtr() % s.bufferSize;
            long n = Math.min(Math.min(frames, HwPtr.avail(s)), s.bufferSize - applOfs);
            return MmapSteadyState.area(s, applOfs, n);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * alsa-lib's snd_pcm_mmap_commit: in the steady state a compare-and-set of
     * appl_ptr on the control page, as alsa-lib stores it in the mapped control
     * page; the core reads it when the next period elapses. A driver that must
     * hear of every move (SYNC_APPLPTR) gets it under the lock, with its ack.
     */
    static long commit(Substream s, long offset, long frames) {
        return MmapSteadyState.commit(s, offset, frames) ? frames : commitLocked(s, offset, frames);
    }

    private static long commitLocked(Substream s, long offset, long frames) {
        s.lockStream();
        try {
            checkAccess(s, "mmap_commit");
            if (frames < 0) {
                throw s.refuse(EINVAL, "mmap_commit", frames, "negative frame count");
            }
            long applPtr = s.pages.applPtr();
            // alsa-lib snd_pcm_mmap_commit: a commit that does not match begin is EPIPE
            if (offset != applPtr % s.bufferSize) {
                throw s.refuse(EPIPE, "mmap_commit", offset,
                        "offset is not the application pointer " + applPtr % s.bufferSize);
            }
            if (frames > HwPtr.avail(s)) {
                throw s.refuse(EPIPE, "mmap_commit", frames, "more frames than available " + HwPtr.avail(s));
            }
            long appl = applPtr + frames;
            if (appl >= s.boundary) {
                appl -= s.boundary;
            }
            ApplPtr.apply(s, appl);
            if (s.state == RUNNING) {
                HwPtr.update(s, false);
            }
            return frames;
        } finally {
            s.lock.unlock();
        }
    }
}
