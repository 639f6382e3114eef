package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.impl.pcm.Rig.refused;
import static pcmshare.core.api.pcm.Direction.CAPTURE;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmSubstream;

/** snd_pcm_link: the other substream comes as a file descriptor; a bad one is EBADFD. */
class LinkHandleTest {
    private final LinkRig rig = new LinkRig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** snd_pcm_link: "if (fd_empty(f)) return -EBADFD": a closed handle links nothing, even while another is open. */
    @Test
    void link_otherHandleClosed_isEBADFD_evenWhileItsSubstreamStaysOpen() {
        PcmSubstream a = rig.engine.open("toy", 0, CAPTURE, -1, false);
        a.hwParams(Rig.STD);
        a.prepare();
        PcmSubstream b = rig.engine.open("toy", 0, CAPTURE, -1, false);
        b.hwParams(Rig.STD);
        b.prepare();
        PcmSubstream bDup = b.dup();
        bDup.close();
        ErrnoException e = refused(() -> a.link(bDup));
        assertThat(e.errno()).isEqualTo(EBADFD);
        assertThat(e.getMessage()).contains("closed");
        assertThat(a.linkedWith()).isEmpty();
        assertThat(b.linkedWith()).isEmpty();
    }
}
