package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.impl.memory.LiveMemory;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.PcmDiagnostics;
import pcmshare.core.api.pcm.PcmSubstream;

/** The counts a leak check compares with its baseline: they follow opens, dups, buffers and their last holders. */
class DiagnosticsTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void diagnostics_countOpenSubstreamsHandlesAndLiveBuffers_andReturnToTheBaseline() {
        PcmDiagnostics base = rig.engine.diagnostics();
        assertThat(base.cards()).isEqualTo(1);
        assertThat(base.openSubstreams()).isZero();
        assertThat(base.openHandles()).isZero();

        PcmSubstream p = rig.engine.open(rig.cardId, 0, PLAYBACK, -1, false);
        PcmSubstream c = rig.engine.open(rig.cardId, 0, CAPTURE, -1, false);
        p.hwParams(STD);
        PcmSubstream dup = p.dup();
        PcmDiagnostics busy = rig.engine.diagnostics();
        assertThat(busy.openSubstreams()).isEqualTo(2);
        assertThat(busy.openHandles()).isEqualTo(3);
        // one ring buffer, and each open substream's position pages (status and control, PositionPages)
        assertThat(busy.liveBuffers()).isEqualTo(base.liveBuffers() + 1 + 2);
        assertThat(busy.liveBufferBytes())
                .isEqualTo(base.liveBufferBytes() + STD.bufferBytes() + 2 * PositionPages.BYTES);

        // a holder of the buffer keeps it live past the close of every handle
        SharedMemory held = SubstreamHandle.substreamOf(p).runtime().bufferMemory().retain();
        p.close();
        assertThat(rig.engine.diagnostics().openHandles()).isEqualTo(2);
        dup.close();
        dup.close();
        c.close();
        PcmDiagnostics closed = rig.engine.diagnostics();
        assertThat(closed.openSubstreams()).isZero();
        assertThat(closed.openHandles()).isZero();
        assertThat(closed.liveBuffers()).isEqualTo(base.liveBuffers() + 1);
        held.release();
        assertThat(LiveMemory.count()).isEqualTo(base.liveBuffers());
        assertThat(rig.engine.diagnostics()).isEqualTo(base);
    }

    @Test
    void diagnostics_aDisconnectedSubstreamCountsUntilItIsClosed() {
        PcmSubstream p = rig.engine.open(rig.cardId, 0, PLAYBACK, -1, false);
        p.hwParams(STD);
        rig.engine.removeCard(rig.card);
        PcmDiagnostics gone = rig.engine.diagnostics();
        assertThat(gone.cards()).isZero();
        assertThat(gone.openSubstreams()).isEqualTo(1);
        assertThat(gone.openHandles()).isEqualTo(1);
        p.close();
        assertThat(rig.engine.diagnostics().openSubstreams()).isZero();
        assertThat(rig.engine.diagnostics().openHandles()).isZero();
    }
}
