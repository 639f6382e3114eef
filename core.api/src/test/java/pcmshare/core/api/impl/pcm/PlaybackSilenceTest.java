package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pcm_lib.c snd_pcm_playback_silence, as fixed in Linux 6.4. */
class PlaybackSilenceTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** Playback that never stops on underrun, with silence_threshold = silence_size = buffer size. */
    private Substream thresholdModeFull() {
        Substream s = rig.setup(PLAYBACK);
        long boundary = s.swParams().boundary();
        s.swParams(s.swParams().withStartThreshold(BUFFER + 1).withStopThreshold(boundary)
                .withSilence(BUFFER, BUFFER));
        s.prepare();
        return s;
    }

    /**
     * "ALSA: pcm: fix playback silence - correct the incremental silencing" and
     * "- use the actual new_hw_ptr for the threshold mode": each fill continues
     * at silence_start + silence_filled and measures the noise distance from the
     * new hw_ptr, so after an underrun the hardware plays silence, never the
     * stale frames of the previous lap.
     */
    @Test
    void playbackSilence_thresholdMode_afterUnderrunTheHardwarePlaysSilenceNotStaleFrames() {
        Substream s = thresholdModeFull();
        assertThat(Rig.write(s, BUFFER)).isEqualTo(BUFFER);
        s.start();
        rig.periods(12);
        List<Byte> played = rig.hw().played();
        assertThat(played).hasSize((int) (12 * PERIOD));
        assertThat(played.subList(0, (int) BUFFER)).containsOnly((byte) 7);
        // two laps of the ring after the data ran out: silence only (the old code replayed 3/4 of the ring)
        assertThat(played.subList((int) BUFFER, played.size())).as("frames after the underrun").containsOnly((byte) 0);
    }

    /** snd_pcm_playback_silence fills from silence_start + silence_filled: each period of silence lands after the last. */
    @Test
    void playbackSilence_thresholdMode_incrementalFillsFollowEachOther() {
        Substream s = thresholdModeFull();
        Rig.write(s, BUFFER);
        s.start();
        rig.periods(4);
        // the hardware has played the whole ring once: every frame of it is silence again
        MemorySegment ring = s.runtime().buffer();
        for (long f = 0; f < BUFFER; f++) {
            assertThat(ring.get(java.lang.foreign.ValueLayout.JAVA_BYTE, f * Rig.STD.frameBytes()))
                    .as("ring frame " + f).isZero();
        }
    }

    /** The silence source lives as long as the setup: hw_free (and a new hw_params) free it at once. */
    @Test
    void hwFree_freesTheSilenceSourceAtOnce() {
        Substream s = rig.prepared(PLAYBACK);
        s.write((MemorySegment) null, PERIOD);
        MemorySegment silence = s.silenceSource;
        assertThat(silence).isNotNull();
        assertThat(silence.scope().isAlive()).isTrue();
        s.drop();
        s.hwFree();
        assertThat(silence.scope().isAlive()).as("silence source after hw_free").isFalse();

        s.hwParams(Rig.STD);
        s.prepare();
        s.write((MemorySegment) null, PERIOD);
        MemorySegment again = s.silenceSource;
        s.drop();
        s.hwParams(Rig.STD.withPeriods(8));
        assertThat(again.scope().isAlive()).as("silence source after a new hw_params").isFalse();
        s.close();
    }
}
