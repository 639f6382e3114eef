package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;

/**
 * avail/delay arithmetic (snd_pcm_playback_avail, snd_pcm_capture_avail,
 * *_hw_avail) while hw_ptr and appl_ptr wrap at the boundary. A small pointer
 * limit (the kernel's compat layer does the same with 32 bits) makes the
 * boundary 512 frames, so a few dozen periods cross it many times.
 */
class RingBufferWrapTest {
    private static final long LIMIT = 1000;
    private static final long BOUNDARY = 512;

    @Test
    void playbackAvailAndDelay_acrossTheBoundaryWrap() {
        try (Rig rig = new Rig(HwConstraints.typical(), LIMIT)) {
            Substream s = rig.prepared(PLAYBACK);
            assertThat(s.swParams().boundary()).isEqualTo(BOUNDARY);
            s.swParams(s.swParams().withStartThreshold(BUFFER + 1));
            Rig.write(s, BUFFER);
            s.start();
            boolean sawApplBehindHw = false;
            int wraps = 0;
            long lastHw = 0;
            for (int i = 0; i < 100; i++) {
                rig.periods(1);
                PcmStatus st = s.status();
                assertThat(st.state()).isEqualTo(PcmState.RUNNING);
                assertThat(st.hwPtr()).isBetween(0L, BOUNDARY - 1);
                assertThat(st.applPtr()).isBetween(0L, BOUNDARY - 1);
                assertThat(st.avail()).as("avail at hw %d appl %d", st.hwPtr(), st.applPtr()).isEqualTo(PERIOD);
                assertThat(s.delay()).isEqualTo(BUFFER - PERIOD);
                sawApplBehindHw |= st.applPtr() < st.hwPtr();
                if (st.hwPtr() < lastHw) {
                    wraps++;
                }
                lastHw = st.hwPtr();
                assertThat(Rig.write(s, PERIOD)).isEqualTo(PERIOD);
                assertThat(s.avail()).isZero();
            }
            assertThat(wraps).isGreaterThanOrEqualTo(3);
            assertThat(sawApplBehindHw).as("appl_ptr wrapped before hw_ptr").isTrue();
        }
    }

    @Test
    void captureAvailAndDelay_acrossTheBoundaryWrap() {
        try (Rig rig = new Rig(HwConstraints.typical(), LIMIT)) {
            Substream s = rig.running(CAPTURE, 0);
            boolean sawHwBehindAppl = false;
            int wraps = 0;
            long lastHw = 0;
            for (int i = 0; i < 100; i++) {
                rig.periods(2);
                PcmStatus st = s.status();
                assertThat(st.state()).isEqualTo(PcmState.RUNNING);
                assertThat(st.hwPtr()).isBetween(0L, BOUNDARY - 1);
                assertThat(st.avail()).as("avail at hw %d appl %d", st.hwPtr(), st.applPtr()).isEqualTo(2 * PERIOD);
                assertThat(s.delay()).isEqualTo(2 * PERIOD);
                sawHwBehindAppl |= st.hwPtr() < st.applPtr();
                if (st.hwPtr() < lastHw) {
                    wraps++;
                }
                lastHw = st.hwPtr();
                assertThat(s.read(Rig.frames(PERIOD, 0), PERIOD)).isEqualTo(PERIOD);
                assertThat(s.avail()).isEqualTo(PERIOD);
                assertThat(s.read(Rig.frames(PERIOD, 0), PERIOD)).isEqualTo(PERIOD);
            }
            assertThat(wraps).isGreaterThanOrEqualTo(3);
            assertThat(sawHwBehindAppl).as("hw_ptr wrapped before appl_ptr").isTrue();
        }
    }

    @Test
    void rewindAndForward_acrossTheBoundaryWrap() {
        try (Rig rig = new Rig(HwConstraints.typical(), LIMIT)) {
            Substream s = rig.prepared(PLAYBACK);
            s.swParams(s.swParams().withStartThreshold(BUFFER + 1));
            Rig.write(s, BUFFER);
            s.start();
            // run until appl_ptr has just wrapped past the boundary
            while (s.status().applPtr() >= BUFFER || s.status().hwPtr() == 0) {
                rig.periods(1);
                Rig.write(s, PERIOD);
            }
            long appl = s.status().applPtr();
            assertThat(appl).isLessThan(s.status().hwPtr());
            assertThat(s.rewind(BUFFER)).isEqualTo(BUFFER);
            assertThat(s.status().applPtr()).isEqualTo(Math.floorMod(appl - BUFFER, BOUNDARY));
            assertThat(s.avail()).isEqualTo(BUFFER);
            assertThat(s.forward(BUFFER)).isEqualTo(BUFFER);
            assertThat(s.status().applPtr()).isEqualTo(appl);
        }
    }
}
