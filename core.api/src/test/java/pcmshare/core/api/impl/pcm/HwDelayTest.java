package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * pcm_native.c snd_pcm_calc_delay: delay is hw_avail (playback) or avail
 * (capture) plus runtime->delay, the frames the driver says its hardware holds
 * beyond the position it reports.
 */
class HwDelayTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void calcDelay_playback_addsTheDriversHardwareDelay() {
        Substream s = rig.running(PLAYBACK, BUFFER);
        rig.hw().fifo(24);
        rig.periods(1);
        assertThat(s.delay()).isEqualTo(BUFFER - PERIOD + 24);
        assertThat(s.status().delay()).isEqualTo(BUFFER - PERIOD + 24);
    }

    @Test
    void calcDelay_capture_addsTheDriversHardwareDelay() {
        Substream s = rig.running(CAPTURE, 0);
        rig.hw().fifo(5);
        rig.periods(2);
        assertThat(s.delay()).isEqualTo(2 * PERIOD + 5);
        assertThat(s.status().delay()).isEqualTo(2 * PERIOD + 5);
        assertThat(s.info().status().delay()).isEqualTo(2 * PERIOD + 5);
    }
}
