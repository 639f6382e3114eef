package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EBUSY;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.impl.pcm.Rig.assertRefused;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.testdriver.ToyCard;

/** Several handles on one open substream: the kernel's O_APPEND open (snd_pcm_open_file with an attached substream). */
class HandleDupTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private PcmSubstream open() {
        return rig.engine.open(rig.cardId, 0, PLAYBACK, 0, false);
    }

    @Test
    void oAppend_dupSharesTheRuntime_noNewOpenNoNewHwParams() {
        PcmSubstream original = open();
        original.hwParams(STD);
        int opened = rig.card.streams().size();
        PcmSubstream dup = original.dup();
        assertThat(rig.card.streams()).as("no new driver open").hasSize(opened);
        assertThat(dup.hwParams()).isEqualTo(STD);
        dup.prepare();
        assertThat(original.state()).isEqualTo(PcmState.PREPARED);
        Rig.write(dup, PERIOD);
        assertThat(original.status().applPtr()).isEqualTo(PERIOD);
        assertThat(SubstreamHandle.substreamOf(dup).handles()).isEqualTo(2);
        dup.close();
        original.close();
    }

    @Test
    void oAppend_closingTheOriginalKeepsTheSubstreamForTheDup() {
        PcmSubstream original = open();
        original.hwParams(STD);
        original.prepare();
        PcmSubstream dup = original.dup();
        ToyCard.Stream hw = rig.hw();
        original.close();
        assertRefused(EBADF, () -> Rig.write(original, 1));
        assertRefused(EBADF, original::dup);
        assertThat(hw.isClosed()).as("the substream is still open").isFalse();
        assertRefused(EBUSY, () -> rig.engine.open(rig.cardId, 0, PLAYBACK, 0, false));
        Rig.write(dup, BUFFER); // the start threshold (1) starts it
        assertThat(dup.state()).isEqualTo(PcmState.RUNNING);
        rig.periods(1);
        assertThat(dup.status().hwPtr()).isEqualTo(PERIOD);
        dup.close();
        assertThat(hw.isClosed()).as("the last handle really closes").isTrue();
        assertThat(hw.isFreed()).isTrue();
        open().close(); // the substream is free again
    }

    @Test
    void oAppend_mappingThroughADupOutlivesEveryHandle() {
        PcmSubstream original = open();
        original.hwParams(STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = original.dup();
        PcmMapping m = dup.map();
        m.memory().segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
        original.close();
        dup.close();
        assertThat(m.memory().segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 42);
        m.close();
    }

    @Test
    void oAppend_closingADupNeverAffectsTheOriginal() {
        PcmSubstream original = open();
        original.hwParams(STD);
        PcmSubstream dup = original.dup();
        dup.close();
        dup.close();
        assertThat(SubstreamHandle.substreamOf(original).handles()).isEqualTo(1);
        original.prepare();
        assertThat(original.state()).isEqualTo(PcmState.PREPARED);
        original.close();
    }

    @Test
    void oAppend_disconnectReachesEveryHandle_withEBADFD() {
        PcmSubstream original = open();
        original.hwParams(STD);
        PcmSubstream dup = original.dup();
        rig.engine.removeCard(rig.card);
        assertRefused(EBADFD, original::prepare);
        assertRefused(EBADFD, dup::prepare);
        assertRefused(EBADFD, dup::dup);
        assertThat(dup.status().state()).isEqualTo(PcmState.DISCONNECTED);
        original.close();
        dup.close();
    }

    @Test
    void closedDup_itsPeriodListenersGoWithIt_theOriginalsStay() {
        PcmSubstream original = open();
        original.hwParams(STD);
        original.prepare();
        PcmSubstream dup = original.dup();
        java.util.concurrent.atomic.AtomicInteger dupCalls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger ownerCalls = new java.util.concurrent.atomic.AtomicInteger();
        dup.addPeriodListener((view, hwPtr) -> dupCalls.incrementAndGet());
        original.addPeriodListener((view, hwPtr) -> ownerCalls.incrementAndGet());
        Rig.write(original, BUFFER);
        rig.periods(1);
        Rig.awaitListeners(dup, original);
        assertThat(dupCalls).hasValue(1);
        dup.close();
        rig.periods(1);
        Rig.awaitListeners(dup, original);
        assertThat(dupCalls).as("a closed handle's listener is called no more").hasValue(1);
        assertThat(ownerCalls).hasValue(2);
        original.drop();
        original.close();
    }

    /**
     * O_NONBLOCK is the open file's (file->f_flags in snd_pcm_playback_ioctl), not the
     * substream's: a dup made non-blocking leaves the original blocking, and the reverse.
     */
    @Test
    void fFlags_oNonblockBelongsToTheHandle_aDupsSetNonBlockingLeavesTheOriginalBlocking() throws Exception {
        PcmSubstream original = open();
        original.hwParams(STD);
        original.prepare();
        PcmSubstream dup = original.dup();
        assertThat(dup.isNonBlocking()).as("a dup starts with its parent's mode").isFalse();
        dup.setNonBlocking(true);
        assertThat(dup.isNonBlocking()).isTrue();
        assertThat(original.isNonBlocking()).as("the original's own flag").isFalse();

        Rig.write(original, BUFFER);
        assertRefused(pcmshare.core.api.errno.Errno.EAGAIN, () -> Rig.write(dup, PERIOD));
        // the original still blocks for room: it sleeps until the drop wakes it
        java.util.concurrent.Future<Long> blocked = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()
                .submit(() -> Rig.write(original, PERIOD));
        Rig.awaitWaiter(SubstreamHandle.substreamOf(original));
        assertThat(blocked.isDone()).isFalse();
        original.drop();
        assertRefused(EBADFD, () -> Rig.get(blocked));

        PcmSubstream third = dup.dup();
        assertThat(third.isNonBlocking()).as("inherited from the handle it was made from").isTrue();
        third.setNonBlocking(false);
        assertThat(dup.isNonBlocking()).isTrue();
        third.close();
        dup.close();
        original.close();
    }
}
