package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * What paces a cable (seed 002): the loopback's own clock, the clock of a card
 * one of its ends is linked with, or a configured timer source card; and that
 * a switch keeps every frame.
 */
class TimerTest {
    private static final HwParams STD = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 4);
    private static final long SECOND = 1_000_000_000L;

    /** An aloop playback and a +100 ppm card's playback, free-running 600 s; returns {aloop, card} frames. */
    private static long[] run600s(boolean link) {
        AloopRig rig = new AloopRig();
        String dummy = rig.engine.addCard(new SkewedCard("Dummy", "Dummy card", 100));
        PcmSubstream aloop = rig.playback(0, 0, STD);
        PcmSubstream card = rig.engine.open(dummy, 0, Direction.PLAYBACK, 0, true);
        card.hwParams(STD);
        AloopRig.freeRunning(aloop);
        AloopRig.freeRunning(card);
        if (link) {
            aloop.link(card);
            aloop.prepare();
            aloop.start();
        } else {
            aloop.prepare();
            card.prepare();
            aloop.start();
            card.start();
        }
        assertThat(card.state()).isEqualTo(PcmState.RUNNING);
        rig.clock.advance(600 * SECOND);
        aloop.hwsync();
        card.hwsync();
        return new long[] { aloop.status().hwPtr(), card.status().hwPtr() };
    }

    @Test
    @DisplayName("seed 002: an aloop playback linked to a +100 ppm card follows its timer; after 600 s both counted the same frames")
    void linkedToASkewedCard_followsItsTimer_noDrift() {
        long[] f = run600s(true);
        assertThat(f[1]).isCloseTo(600L * 48_000 + 2880, within(1L));
        assertThat(f[0]).isEqualTo(f[1]);
    }

    @Test
    @DisplayName("seed 002: not linked, the aloop runs on its own clock and drifts 2880 frames from a +100 ppm card in 600 s")
    void notLinked_ownClock_driftsFromASkewedCard() {
        long[] f = run600s(false);
        assertThat(f[0]).isEqualTo(600L * 48_000);
        assertThat(f[1] - f[0]).isCloseTo(2880L, within(1L));
    }

    @Test
    @DisplayName("linkChanged: unlinking returns the cable to its own clock, keeping its position")
    void unlink_returnsToOwnClock_positionContinuous() {
        AloopRig rig = new AloopRig();
        String dummy = rig.engine.addCard(new SkewedCard("Fast", "Fast card", 10_000));
        PcmSubstream aloop = rig.playback(0, 0, STD);
        PcmSubstream card = rig.engine.open(dummy, 0, Direction.PLAYBACK, 0, true);
        card.hwParams(STD);
        AloopRig.freeRunning(aloop);
        AloopRig.freeRunning(card);
        aloop.link(card);
        Cable cable = rig.loopback.cable(0, 0);
        assertThat(cable.clock()).as("the linked card's clock")
                .isSameAs(aloop.linkedWith().iterator().next().clock()).isNotSameAs(rig.engine.clock());
        aloop.prepare();
        aloop.start();
        rig.clock.advance(10 * SECOND);
        aloop.hwsync();
        long linked = aloop.status().hwPtr();
        // 1 % fast: 10.1 s of frames in 10 s
        assertThat(linked).isCloseTo(484_800L, within(1L));
        aloop.unlink();
        assertThat(cable.clock()).isSameAs(rig.engine.clock());
        rig.clock.advance(10 * SECOND);
        aloop.hwsync();
        assertThat(aloop.status().hwPtr()).isCloseTo(linked + 480_000L, within(1L));
        assertThat(aloop.state()).isEqualTo(PcmState.RUNNING);
    }

    @Test
    @DisplayName("timer_source by card name: every cable runs on that card's clock")
    void timerSource_byName_pacesTheCables() {
        AloopRig rig = new AloopRig(LoopbackSettings.defaults().withTimerSource("Fast card"));
        SkewedCard fast = new SkewedCard("Fast", "Fast card", 10_000);
        rig.engine.addCard(fast);
        rig.loopback.cardAppeared(fast);
        assertThat(rig.log).anySatisfy(l -> assertThat(l).startsWith("INFO").contains("'Fast card' (Fast)"));
        PcmSubstream p = rig.playback(0, 0, STD);
        AloopRig.freeRunning(p);
        p.prepare();
        p.start();
        rig.clock.advance(10 * SECOND);
        p.hwsync();
        assertThat(p.status().hwPtr()).isCloseTo(484_800L, within(1L));
    }

    @Test
    @DisplayName("timer_source by card id; an index is no card id, and a card of another name is not taken")
    void timerSource_byId_neverByIndex() {
        AloopRig byId = new AloopRig(LoopbackSettings.defaults().withTimerSource("Fast"));
        SkewedCard fast = new SkewedCard("Fast", "Fast card", 10_000);
        byId.loopback.cardAppeared(new SkewedCard("Other", "Other card", 500));
        assertThat(byId.loopback.timerSource()).isNull();
        byId.loopback.cardAppeared(fast);
        assertThat(byId.loopback.timerSource().card()).isSameAs(fast);

        AloopRig byIndex = new AloopRig(LoopbackSettings.defaults().withTimerSource("0"));
        byIndex.loopback.cardAppeared(fast);
        assertThat(byIndex.loopback.timerSource()).isNull();
        assertThat(byIndex.loopback.waitingForSource()).isTrue();
    }

    @Test
    @DisplayName("timer source gone: running cables fall back to their own clock without losing a frame, and say so; back: followed again")
    void timerSourceGoneAndBack_noFrameLost_logged() {
        AloopRig rig = new AloopRig(LoopbackSettings.defaults().withTimerSource("Fast"));
        SkewedCard fast = new SkewedCard("Fast", "Fast card", 10_000);
        rig.loopback.cardAppeared(fast);
        PcmSubstream p = rig.playback(0, 0, STD);
        PcmSubstream c = rig.capture(1, 0, STD);
        long total = 48_000L * 4;
        MemorySegment data = AloopRig.randomFrames(42, total, 4);
        AloopRig.Pump pump = new AloopRig.Pump(p, c, data, 4, total + 48_000);
        p.prepare();
        c.prepare();
        c.start();
        Cable cable = rig.loopback.cable(0, 0);
        long[] framesAt = new long[4];
        for (int ms = 0; ms < 3000; ms++) {
            if (ms == 1000) {
                framesAt[0] = cable.frames();
                rig.loopback.cardGone(fast);
                assertThat(cable.clock()).isSameAs(rig.engine.clock());
            }
            if (ms == 2000) {
                framesAt[1] = cable.frames();
                rig.loopback.cardAppeared(fast);
                assertThat(cable.clock()).isNotSameAs(rig.engine.clock());
            }
            pump.feed();
            rig.clock.advance(SECOND / 1000);
            pump.drain();
        }
        framesAt[2] = cable.frames();
        // 1 s at +1 %, 1 s on the own clock, 1 s at +1 % again
        assertThat(framesAt[0]).isCloseTo(48_480L, within(1L));
        assertThat(framesAt[1] - framesAt[0]).isCloseTo(48_000L, within(1L));
        assertThat(framesAt[2] - framesAt[1]).isCloseTo(48_480L, within(1L));
        assertThat(pump.read).isGreaterThan(framesAt[2] - 480 * 2);
        assertThat(MemorySegment.mismatch(pump.received, 0, pump.read * 4, data, 0, pump.read * 4))
                .as("first byte that differs").isEqualTo(-1);
        assertThat(p.status().xrunCount() + c.status().xrunCount()).isZero();
        assertThat(rig.log).anySatisfy(l -> assertThat(l).startsWith("WARN")
                .contains("timer source card 'Fast card' (Fast) went away")
                .contains("fall back to their own clock").contains("1 running cable(s)"));
        assertThat(rig.log.get(rig.log.size() - 1)).startsWith("INFO").contains("'Fast card' (Fast) is present")
                .contains("follow its clock");
    }
}
