package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.refused;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;

/** snd_pcm_release_substream: a close always completes, whatever the driver throws. */
class ReleaseTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.card.failClose(null);
        rig.close();
    }

    @Test
    void snd_pcm_release_substream_driverCloseThrowing_stillGivesTheSubdeviceBack() {
        closeWithBrokenDriver(new ErrnoException(Errno.EIO, "close", "toy hardware fell over"));
    }

    @Test
    void snd_pcm_release_substream_driverThrowingAnError_stillGivesTheSubdeviceBack() {
        closeWithBrokenDriver(new AssertionError("a driver's bug"));
    }

    private void closeWithBrokenDriver(Throwable failure) {
        Substream s = rig.running(Direction.PLAYBACK, Rig.BUFFER);
        int subdevice = s.subdevice();
        rig.card.failClose(failure);
        s.close();
        // the handle is closed, the driver was told, the stream is no longer running
        assertThat(refused(s::prepare).errno()).isEqualTo(Errno.EBADF);
        assertThat(rig.card.streams().getFirst().isClosed()).isTrue();
        assertThat(rig.engine.diagnostics().openSubstreams()).isZero();
        // and the subdevice can be opened again, not EBUSY for good
        rig.card.failClose(null);
        Substream again = SubstreamHandle.substreamOf(
                rig.engine.open(rig.cardId, 0, Direction.PLAYBACK, subdevice, false));
        assertThat(again.state()).isEqualTo(PcmState.OPEN);
        again.close();
    }
}
