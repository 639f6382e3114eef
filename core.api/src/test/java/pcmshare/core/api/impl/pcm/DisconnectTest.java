package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.ENODEV;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.impl.pcm.Rig.assertRefused;
import static pcmshare.core.api.impl.pcm.Rig.awaitWaiter;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.testdriver.ToyCard;

/** The driver service goes away mid-stream (snd_card_disconnect / snd_pcm_dev_disconnect). */
class DisconnectTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void disconnect_midStream_stopsTheHardware_andHoldersGetEBADFD() {
        Substream s = rig.running(PLAYBACK, 2 * PERIOD);
        ToyCard.Stream hw = rig.hw();
        rig.engine.removeCard(rig.card);
        assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
        assertThat(s.status().state()).isEqualTo(PcmState.DISCONNECTED);
        assertThat(hw.triggers()).containsExactly(Trigger.START, Trigger.STOP);
        assertThat(hw.isFreed()).isTrue();
        assertThat(hw.isClosed()).isTrue();
        ErrnoException e = Rig.refused(() -> Rig.write(s, 1));
        assertThat(e.errno()).isEqualTo(EBADFD);
        assertThat(e.state()).isEqualTo("DISCONNECTED");
        assertThat(e.getMessage()).contains("disconnected");
        assertRefused(EBADFD, s::prepare);
        assertRefused(EBADFD, s::drop);
        // the driver's late period interrupts are ignored
        hw.advance(PERIOD);
        assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
        s.close();
    }

    @Test
    void disconnect_wakesABlockedWriterWithEBADFD() throws Exception {
        Substream s = rig.running(PLAYBACK, BUFFER);
        Future<Long> writer = rig.inThread(() -> Rig.write(s, PERIOD));
        awaitWaiter(s);
        rig.engine.removeCard(rig.card);
        assertRefused(EBADFD, () -> Rig.get(writer));
    }

    @Test
    void disconnect_wakesADrainingCallerWithENODEV() throws Exception {
        Substream s = rig.running(PLAYBACK, BUFFER);
        Future<Boolean> drainer = rig.inThread(() -> {
            s.drain();
            return true;
        });
        awaitWaiter(s);
        rig.engine.removeCard(rig.card);
        assertRefused(ENODEV, () -> Rig.get(drainer));
    }

    @Test
    void disconnect_mappedBufferStaysValidUntilTheLastHolderReleasesIt() {
        Substream s = rig.open(CAPTURE);
        s.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        s.prepare();
        s.start();
        rig.periods(1);
        PcmMapping mapping = s.map();
        SharedMemory memory = mapping.memory();
        assertThat(memory.refCount()).isEqualTo(2);
        rig.engine.removeCard(rig.card);
        assertThat(memory.segment().get(ValueLayout.JAVA_BYTE, STD.frameBytes() * 5L)).isEqualTo((byte) 5);
        s.close();
        assertThat(memory.refCount()).isEqualTo(1);
        assertThat(memory.segment().get(ValueLayout.JAVA_BYTE, STD.frameBytes() * 5L)).isEqualTo((byte) 5);
        mapping.close();
        assertThat(memory.refCount()).isZero();
        assertThatThrownBy(() -> memory.segment().get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void open_onACardThatWentAway_isENODEV() {
        rig.engine.removeCard(rig.card);
        assertThat(rig.engine.cards()).isEmpty();
        assertRefused(ENODEV, () -> rig.open(PLAYBACK));
    }

    @Test
    void coreComponent_tracksDriverServicesAsAWhiteboard() {
        PcmCoreComponent core = new PcmCoreComponent(new ManualClock());
        ToyCard a = new ToyCard("a", HwConstraints.typical(), 1);
        ToyCard b = new ToyCard("a", HwConstraints.typical(), 1, 50);
        core.addDriver(a);
        core.addDriver(b);
        assertThat(core.cards()).extracting(c -> c.id()).containsExactly("a", "a_1");
        assertThat(core.card("a_1").orElseThrow().clockSkewPpm()).isEqualTo(50);
        var s = core.open("a", 0, PLAYBACK, -1, false);
        s.hwParams(STD);
        core.removeDriver(a);
        assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
        assertThat(core.cards()).extracting(c -> c.id()).containsExactly("a_1");
        core.deactivate();
        assertThat(core.cards()).isEmpty();
        s.close();
    }
}
