package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.impl.memory.LinuxSyscalls;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmState;

/**
 * The status and control pages as another process would map them: the words
 * at the offsets {@link PositionPages} documents say what the substream says,
 * and the memory is a memfd that can be handed on.
 */
class PositionPagesTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static long word(Substream s, long offset) {
        return s.pages.memory().segment().get(ValueLayout.JAVA_LONG, offset);
    }

    @Test
    void statusAndControl_onPagesOfTheirOwn_eachFieldEightAligned() {
        assertThat(PositionPages.APPL_PTR / PositionPages.PAGE).isNotEqualTo(PositionPages.HW_PTR / PositionPages.PAGE);
        assertThat(PositionPages.STATE % 8).isZero();
        assertThat(PositionPages.HW_PTR % 8).isZero();
        assertThat(PositionPages.APPL_PTR % 8).isZero();
        assertThat(PositionPages.AVAIL_MIN % 8).isZero();
        assertThat(PositionPages.BYTES).isEqualTo(2 * PositionPages.PAGE);
    }

    /** The period path reads the line of appl_ptr; the transfers' claim, with its locked instruction, is elsewhere. */
    @Test
    void bufferClaim_onACacheLineOfItsOwn_awayFromApplPtrAndAvailMin() {
        assertThat(PositionPages.BUFFER_ACCESS / 64).isNotEqualTo(PositionPages.APPL_PTR / 64);
        assertThat(PositionPages.BUFFER_ACCESS / 64).isNotEqualTo(PositionPages.AVAIL_MIN / 64);
        assertThat(PositionPages.BUFFER_ACCESS / PositionPages.PAGE).isEqualTo(1);
    }

    @Test
    void thePagesSayWhatTheSubstreamSays_stateHwPtrApplPtrAvailMin() {
        Substream s = rig.prepared(Direction.PLAYBACK);
        assertThat(word(s, PositionPages.STATE)).isEqualTo(PcmState.PREPARED.ordinal());
        assertThat(word(s, PositionPages.AVAIL_MIN)).isEqualTo(PERIOD);
        s.swParams(s.swParams().withStartThreshold(Rig.BUFFER + 1));
        Rig.write(s, 3 * PERIOD);
        s.start();
        assertThat(word(s, PositionPages.STATE)).isEqualTo(PcmState.RUNNING.ordinal());
        rig.periods(2);
        assertThat(word(s, PositionPages.HW_PTR)).isEqualTo(s.runtime().hwPtr()).isEqualTo(2 * PERIOD);
        assertThat(word(s, PositionPages.APPL_PTR)).isEqualTo(s.runtime().applPtr()).isEqualTo(3 * PERIOD);
        s.swParams(s.swParams().withAvailMin(2 * PERIOD));
        assertThat(word(s, PositionPages.AVAIL_MIN)).isEqualTo(2 * PERIOD);
        s.drop();
        assertThat(word(s, PositionPages.STATE)).isEqualTo(PcmState.SETUP.ordinal());
    }

    /** The kernel's SNDRV_PCM_STATE_* numbers, which a reader in another process compares with. */
    @Test
    void stateWord_isTheKernelsStateNumber() {
        assertThat(PcmState.OPEN.ordinal()).isZero();
        assertThat(PcmState.RUNNING.ordinal()).isEqualTo(3);
        assertThat(PcmState.DISCONNECTED.ordinal()).isEqualTo(8);
    }

    @Test
    void onLinux_thePagesAreAMemfd_thatCanBeHandedOn() {
        Substream s = rig.open(Direction.CAPTURE);
        assertThat(s.pages.memory().memfd().isPresent()).isEqualTo(LinuxSyscalls.available());
        assertThat(s.pages.memory().byteSize()).isEqualTo(PositionPages.BYTES);
    }

    /**
     * appl_ptr stored into the control page by the application alone, as
     * alsa-lib stores it in the mapped page: the period path reads it there.
     * Two periods queued and two played would be an underrun; the third,
     * stored on the page, keeps the stream running.
     */
    @Test
    void applPtrStoredOnTheControlPage_isWhatThePeriodPathReads() {
        Substream s = rig.open(Direction.PLAYBACK);
        s.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        s.prepare();
        MmapArea a = s.mmapBegin(2 * PERIOD);
        s.mmapCommit(a.offset(), a.frames());
        s.start();
        s.pages.memory().segment().set(ValueLayout.JAVA_LONG, PositionPages.APPL_PTR, 3 * PERIOD);
        assertThat(s.mmapBegin(PERIOD).offset()).isEqualTo(3 * PERIOD);
        rig.periods(2);
        assertThat(s.state()).isEqualTo(PcmState.RUNNING);
        assertThat(s.runtime().hwPtr()).isEqualTo(2 * PERIOD);
        rig.periods(1);
        assertThat(s.state()).isEqualTo(PcmState.XRUN);
    }

    /** The steady state hands out the same area record for the same period: nothing allocated per period. */
    @Test
    void mmapBegin_sameRequestAtTheSamePeriod_sameRecord() {
        Substream s = rig.open(Direction.CAPTURE);
        s.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        s.prepare();
        s.start();
        rig.periods(2);
        MmapArea first = s.mmapBegin(PERIOD);
        assertThat(s.mmapBegin(PERIOD)).isSameAs(first);
        s.mmapCommit(first.offset(), PERIOD);
        MmapArea second = s.mmapBegin(PERIOD);
        assertThat(second.offset()).isEqualTo(PERIOD);
        s.mmapCommit(second.offset(), PERIOD);
        rig.periods(2);
        s.mmapCommit(s.mmapBegin(PERIOD).offset(), PERIOD);
        s.mmapCommit(s.mmapBegin(PERIOD).offset(), PERIOD);
        // nothing to read: a poller gets the same empty area each time
        MmapArea none = s.mmapBegin(PERIOD);
        assertThat(none.frames()).isZero();
        assertThat(s.mmapBegin(PERIOD)).isSameAs(none);
        rig.periods(1);
        assertThat(s.mmapBegin(PERIOD)).isSameAs(first);
    }
}
