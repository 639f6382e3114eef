package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A close racing the lock-free mmap path (snd_pcm_release against an application
 * still using its mapped control page): every call after the close answers EBADF
 * as any call on a closed handle does, never FFM's IllegalStateException from the
 * position pages the close released; and a driver reading a linked substream's
 * position after that substream closed gets its last position.
 */
class CloseRacesLockFreeTest {

    @Test
    void snd_pcm_release_racingMmapBeginAndCommit_everyRefusalIsEbadf() throws Exception {
        ManualClock clock = new ManualClock(1_000_000_000L);
        PcmEngine engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
        ThreadHardware card = new ThreadHardware(HwConstraints.typical());
        String id = engine.addCard(card);
        List<Throwable> wrong = new ArrayList<>();
        try {
            for (int round = 0; round < 200; round++) {
                PcmSubstream h = engine.open(id, 0, Direction.PLAYBACK, 0, true);
                h.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 16, 4).withAccess(Access.MMAP_INTERLEAVED));
                h.prepare();
                MmapArea first = h.mmapBegin(16);
                h.mmapCommit(first.offset(), first.frames());
                h.start();
                CountDownLatch go = new CountDownLatch(1);
                Thread app = Thread.ofPlatform().start(() -> {
                    go.countDown();
                    for (int i = 0; i < 10_000; i++) {
                        try {
                            MmapArea a = h.mmapBegin(16);
                            h.mmapCommit(a.offset(), a.frames());
                        } catch (ErrnoException e) {
                            if (e.errno() != Errno.EBADF && e.errno() != Errno.EBADFD && e.errno() != Errno.EPIPE) {
                                synchronized (wrong) {
                                    wrong.add(e);
                                }
                            }
                        } catch (RuntimeException e) {
                            synchronized (wrong) {
                                wrong.add(e);
                            }
                            return;
                        }
                    }
                });
                go.await();
                h.close();
                app.join();
            }
        } finally {
            engine.removeAll();
        }
        assertThat(wrong).as("refusals other than EBADF (this handle closed), EBADFD or EPIPE (ring full)").isEmpty();
    }
}
