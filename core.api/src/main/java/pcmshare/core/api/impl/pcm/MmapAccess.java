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

    static MmapArea begin(Substream s, long frames) {
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
            long applOfs = s.applPtr % s.bufferSize;
            long n = Math.min(Math.min(frames, HwPtr.avail(s)), s.bufferSize - applOfs);
            return new MmapArea(s.buffer, applOfs, n, s.hw.access(), s.channels, s.sampleBytes, s.bufferSize);
        } finally {
            s.lock.unlock();
        }
    }

    static long commit(Substream s, long offset, long frames) {
        s.lockStream();
        try {
            checkAccess(s, "mmap_commit");
            if (frames < 0) {
                throw s.refuse(EINVAL, "mmap_commit", frames, "negative frame count");
            }
            // alsa-lib snd_pcm_mmap_commit: a commit that does not match begin is EPIPE
            if (offset != s.applPtr % s.bufferSize) {
                throw s.refuse(EPIPE, "mmap_commit", offset,
                        "offset is not the application pointer " + s.applPtr % s.bufferSize);
            }
            if (frames > HwPtr.avail(s)) {
                throw s.refuse(EPIPE, "mmap_commit", frames, "more frames than available " + HwPtr.avail(s));
            }
            long appl = s.applPtr + frames;
            if (appl >= s.boundary) {
                appl -= s.boundary;
            }
            s.applPtr = appl;
            if (s.state == RUNNING) {
                HwPtr.update(s, false);
            }
            return frames;
        } finally {
            s.lock.unlock();
        }
    }
}
