package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EALREADY;
import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.impl.pcm.LinkRig.awaitTrue;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD_NANOS;
import static pcmshare.core.api.impl.pcm.Rig.assertRefused;
import static pcmshare.core.api.impl.pcm.Rig.refused;
import static pcmshare.core.api.pcm.Direction.CAPTURE;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.PREPARED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;
import static pcmshare.core.api.pcm.PcmState.SETUP;
import static pcmshare.core.api.pcm.PcmState.SUSPENDED;
import static pcmshare.core.api.pcm.PcmState.XRUN;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.testdriver.ProbeCard;
import pcmshare.core.api.testdriver.ToyCard;

/** snd_pcm_link / snd_pcm_unlink and group actions, one test per rule, named after it. */
class LinkTest {
    private final LinkRig rig = new LinkRig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static List<String> names(Set<SubstreamView> views) {
        return views.stream().map(ProbeCard::name).sorted().toList();
    }

    private static String name(PcmSubstream s) {
        return ProbeCard.name(s.cardId(), s.device(), s.direction() == PLAYBACK, s.subdevice());
    }

    private static void assertStates(PcmState expected, Substream... members) {
        for (Substream m : members) {
            assertThat(m.state()).as(m.toString()).isEqualTo(expected);
        }
    }

    // ---- link / unlink rules

    @Test
    void link_toItself_isEINVAL() {
        Substream a = rig.prepared("toy", PLAYBACK);
        ErrnoException e = refused(() -> a.link(a));
        assertThat(e.errno()).isEqualTo(EINVAL);
        assertThat(e.operation()).isEqualTo("link");
        assertThat(e.state()).isEqualTo("PREPARED");
        assertThat(a.linkedWith()).isEmpty();
    }

    @Test
    void link_callerInOpen_isEBADFD() {
        Substream a = rig.open("toy", PLAYBACK);
        Substream b = rig.open("toy", CAPTURE);
        ErrnoException e = refused(() -> a.link(b));
        assertThat(e.errno()).isEqualTo(EBADFD);
        assertThat(e.state()).isEqualTo("OPEN");
        assertThat(a.linkedWith()).isEmpty();
        assertThat(b.linkedWith()).isEmpty();
    }

    @Test
    void link_statesDiffer_isEBADFD() {
        Substream a = rig.prepared("toy", PLAYBACK);
        Substream b = rig.setup("toy", CAPTURE);
        ErrnoException e = refused(() -> a.link(b));
        assertThat(e.errno()).isEqualTo(EBADFD);
        assertThat(e.state()).isEqualTo("PREPARED");
        assertThat(e.value()).isEqualTo(SETUP);
        assertThat(e.getMessage()).contains("states differ");
        // the other way round too: the caller's state is compared, whichever it is
        assertRefused(EBADFD, () -> b.link(a));
        assertThat(a.linkedWith()).isEmpty();
    }

    @Test
    void link_targetAlreadyLinked_isEALREADY() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        Substream c = rig.prepared("toy", CAPTURE);
        a.link(b);
        ErrnoException e = refused(() -> c.link(b));
        assertThat(e.errno()).isEqualTo(EALREADY);
        assertThat(e.operation()).isEqualTo("link");
        assertThat(e.value()).isEqualTo("toy,0,capture#1");
        assertRefused(EALREADY, () -> a.link(b));
        assertRefused(EALREADY, () -> b.link(a));
        assertThat(c.linkedWith()).isEmpty();
        assertThat(b.linkedWith()).containsExactly(a.view());
    }

    @Test
    void link_statesAreCheckedBeforeAlreadyLinked_asTheKernelDoes() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        Substream c = rig.setup("toy", CAPTURE);
        a.link(b);
        assertRefused(EBADFD, () -> c.link(b));
    }

    @Test
    void link_callerAlreadyLinked_targetJoinsTheCallersGroup() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        Substream c = rig.prepared("toy", CAPTURE);
        Substream d = rig.prepared("toy", CAPTURE);
        a.link(b);
        b.link(c);
        a.link(d);
        assertThat(a.linkedWith()).containsExactly(b.view(), c.view(), d.view());
        assertThat(c.linkedWith()).containsExactly(a.view(), b.view(), d.view());
        assertThat(a.group()).isSameAs(b.group()).isSameAs(c.group()).isSameAs(d.group());
        assertThat(a.group().members()).containsExactly(a, b, c, d);
    }

    @Test
    void link_somethingNotASubstreamOfThisCore_isEBADFD() {
        Substream a = rig.prepared("toy", CAPTURE);
        PcmSubstream foreign = (PcmSubstream) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PcmSubstream.class}, (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        assertRefused(EBADFD, () -> a.link(foreign));
        assertRefused(EBADFD, () -> a.link(null));
    }

    @Test
    void link_closedTarget_isEBADFD_closedCaller_isEBADF() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        b.close();
        assertRefused(EBADFD, () -> a.link(b));
        a.close();
        Substream c = rig.prepared("toy", CAPTURE);
        assertRefused(EBADF, () -> a.link(c));
        assertRefused(EBADF, a::unlink);
    }

    @Test
    void unlink_notLinked_isEALREADY() {
        Substream a = rig.prepared("toy", CAPTURE);
        ErrnoException e = refused(a::unlink);
        assertThat(e.errno()).isEqualTo(EALREADY);
        assertThat(e.operation()).isEqualTo("unlink");
        assertThat(e.state()).isEqualTo("PREPARED");
    }

    @Test
    void unlink_groupLeftWithOne_isDissolved() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        a.link(b);
        a.unlink();
        assertThat(a.linkedWith()).isEmpty();
        assertThat(b.linkedWith()).isEmpty();
        assertRefused(EALREADY, b::unlink);
        assertThat(a.group()).isNotSameAs(b.group());
        a.start();
        assertStates(RUNNING, a);
        assertStates(PREPARED, b);
    }

    @Test
    void unlink_fromGroupOfThree_leavesTheOtherTwoLinked() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy2", CAPTURE);
        Substream c = rig.prepared("probe", CAPTURE);
        a.link(b);
        a.link(c);
        b.unlink();
        assertThat(b.linkedWith()).isEmpty();
        assertThat(a.linkedWith()).containsExactly(c.view());
        assertThat(c.linkedWith()).containsExactly(a.view());
        c.start();
        assertStates(RUNNING, a, c);
        assertStates(PREPARED, b);
    }

    @Test
    void close_unlinks() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy2", CAPTURE);
        Substream c = rig.prepared("probe", CAPTURE);
        a.link(b);
        a.link(c);
        a.close();
        assertThat(b.linkedWith()).containsExactly(c.view());
        assertThat(c.linkedWith()).containsExactly(b.view());
        assertThat(b.group().members()).containsExactly(b, c);
        b.close();
        assertThat(c.linkedWith()).isEmpty();
        assertRefused(EALREADY, c::unlink);
        // the probe driver was told, before the other closes returned
        assertThat(names(rig.probe.last().linkedWith())).isEmpty();
    }

    @Test
    void close_dropsTheWholeGroupFirst_asSndPcmRelease() {
        Substream a = rig.preparedFree("toy", PLAYBACK);
        Substream b = rig.preparedFree("probe", CAPTURE);
        a.link(b);
        a.start();
        a.close();
        assertStates(SETUP, b);
        assertThat(rig.logged("STOP")).containsExactly("probe,0,c0 STOP");
        assertThat(b.linkedWith()).isEmpty();
    }

    @Test
    void link_acrossCardsAndDrivers_startsThemTogether() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        Substream b = rig.preparedFree("toy2", PLAYBACK);
        Substream c = rig.preparedFree("probe", PLAYBACK);
        ToyCard.Stream ha = rig.toy.last();
        ToyCard.Stream hb = rig.toy2.last();
        a.link(b);
        b.link(c);
        c.start();
        assertStates(RUNNING, a, b, c);
        assertThat(ha.triggers()).containsExactly(Trigger.START);
        assertThat(hb.triggers()).containsExactly(Trigger.START);
        assertThat(rig.logged("START")).containsExactly("probe,0,p0 START");
    }

    @Test
    void linkedWith_showsTheOtherMembers_inSerialOrder() {
        Substream a = rig.prepared("toy", CAPTURE);
        Substream b = rig.prepared("toy", PLAYBACK);
        Substream c = rig.prepared("probe", CAPTURE);
        assertThat(a.linkedWith()).isEmpty();
        c.link(a);
        c.link(b);
        assertThat(c.linkedWith()).containsExactly(a.view(), b.view());
        assertThat(b.linkedWith()).containsExactly(a.view(), c.view());
        assertThat(a.linkedWith()).containsExactly(b.view(), c.view());
    }

    // ---- group actions

    @Test
    void groupStart_everyMemberReportsTheSameTriggerTimestamp() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        rig.clock.advance(3_333);
        Substream b = rig.preparedFree("toy2", PLAYBACK); // a card whose clock runs 250 ppm fast
        rig.clock.advance(7_777);
        Substream c = rig.preparedFree("probe", CAPTURE);
        a.link(b);
        a.link(c);
        rig.clock.advance(1_000_000);
        long before = a.status().triggerTimestampNanos();
        b.start();
        long ts = a.status().triggerTimestampNanos();
        assertThat(ts).isNotEqualTo(before);
        assertThat(b.status().triggerTimestampNanos()).isEqualTo(ts);
        assertThat(c.status().triggerTimestampNanos()).isEqualTo(ts);
        // the caller's card clock gave it
        assertThat(ts).isEqualTo(rig.toy2.last().runtime().clock().nanoTime());
    }

    @Test
    void groupStart_checksEveryMemberFirst_noTriggerWhenOneCannotStart() {
        Substream a = rig.preparedFree("probe", CAPTURE);
        Substream b = rig.prepared("toy", PLAYBACK); // nothing queued: start is EPIPE
        a.link(b);
        assertRefused(EPIPE, a::start);
        assertStates(PREPARED, a, b);
        assertThat(rig.logged("START")).isEmpty();
        assertThat(rig.toy.last().triggers()).isEmpty();
    }

    @Test
    void groupStart_oneMembersDriverFails_theOthersAreStoppedAgain() {
        Substream a = rig.preparedFree("probe", CAPTURE);
        Substream b = rig.preparedFree("toy", CAPTURE);
        Substream c = rig.preparedFree("toy2", CAPTURE); // opened last: triggered last
        ToyCard.Stream hb = rig.toy.last();
        ToyCard.Stream hc = rig.toy2.last();
        a.link(b);
        a.link(c);
        rig.toy2.failNextStart();
        ErrnoException e = refused(b::start);
        assertThat(e.errno()).isEqualTo(EIO);
        assertStates(PREPARED, a, b, c);
        assertThat(rig.logged("probe,0,c0 ST")).containsExactly("probe,0,c0 START", "probe,0,c0 STOP");
        assertThat(hb.triggers()).containsExactly(Trigger.START, Trigger.STOP);
        assertThat(hc.triggers()).containsExactly(Trigger.START);
        assertThat(hb.isRunning()).isFalse();
        // nothing is left half-started: the group starts once the hardware agrees
        b.start();
        assertStates(RUNNING, a, b, c);
    }

    @Test
    void groupDrop_stopsEveryMember() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        Substream b = rig.preparedFree("probe", PLAYBACK);
        a.link(b);
        a.start();
        rig.clock.advance(500);
        b.drop();
        assertStates(SETUP, a, b);
        assertThat(rig.toy.last().triggers()).containsExactly(Trigger.START, Trigger.STOP);
        assertThat(rig.logged("STOP")).containsExactly("probe,0,p0 STOP");
        assertThat(a.status().triggerTimestampNanos()).isEqualTo(b.status().triggerTimestampNanos());
    }

    @Test
    void groupPause_pushAndReleaseActOnEveryMember() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        Substream b = rig.preparedFree("probe", CAPTURE);
        a.link(b);
        a.start();
        b.pause(true);
        assertStates(PAUSED, a, b);
        assertThat(a.status().triggerTimestampNanos()).isEqualTo(b.status().triggerTimestampNanos());
        a.pause(false);
        assertStates(RUNNING, a, b);
        assertThat(rig.toy.last().triggers()).containsExactly(Trigger.START, Trigger.PAUSE_PUSH, Trigger.PAUSE_RELEASE);
        assertThat(rig.logged("PAUSE")).containsExactly("probe,0,c0 PAUSE_PUSH", "probe,0,c0 PAUSE_RELEASE");
    }

    @Test
    void groupPrepare_preparesEveryMember() {
        Substream a = rig.setup("toy", CAPTURE);
        Substream b = rig.setup("probe", PLAYBACK);
        a.link(b);
        b.prepare();
        assertStates(PREPARED, a, b);
    }

    @Test
    void groupReset_resetsEveryMember() {
        Substream a = rig.preparedWith("toy", PERIOD);
        Substream b = rig.preparedWith("probe", 2 * PERIOD);
        a.link(b);
        assertThat(b.status().applPtr()).isEqualTo(2 * PERIOD);
        a.reset();
        assertThat(a.status().applPtr()).isZero();
        assertThat(b.status().applPtr()).isZero();
        assertThat(b.avail()).isEqualTo(BUFFER);
    }

    @Test
    void groupSuspendResume_actOnEveryMember() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        Substream b = rig.preparedFree("probe", CAPTURE);
        a.link(b);
        a.start();
        b.suspend();
        assertStates(SUSPENDED, a, b);
        a.resume();
        assertStates(RUNNING, a, b);
        assertThat(rig.toy.last().triggers()).containsExactly(Trigger.START, Trigger.SUSPEND, Trigger.RESUME);
        assertThat(rig.logged("SUSPEND")).hasSize(1);
        assertThat(rig.logged("RESUME")).hasSize(1);
    }

    @Test
    void groupXrun_stopsEveryMemberWithXRUN() {
        Substream a = rig.preparedFree("toy", CAPTURE);
        Substream b = rig.preparedFree("probe", CAPTURE);
        a.link(b);
        a.start();
        rig.probe.last().runtime().xrun();
        assertStates(XRUN, a, b);
        assertThat(rig.toy.last().triggers()).containsExactly(Trigger.START, Trigger.STOP);
    }

    @Test
    void groupDrain_waitsForEveryPlaybackMember() throws Exception {
        Substream a = rig.preparedWith("toy", PERIOD);
        Substream b = rig.preparedWith("toy", 3 * PERIOD);
        a.link(b);
        a.start();
        Future<Void> drain = rig.inThread(() -> {
            a.drain();
            return null;
        });
        Rig.awaitWaiter(a);
        rig.clock.advance(PERIOD_NANOS);
        assertStates(SETUP, a);
        // the caller's own stream is drained; it now waits on its partner
        Rig.awaitWaiter(b);
        assertThat(drain.isDone()).isFalse();
        assertStates(PcmState.DRAINING, b);
        rig.clock.advance(2 * PERIOD_NANOS);
        Rig.get(drain);
        assertStates(SETUP, a, b);
    }

    @Test
    void groupDrain_ofACaptureMember_waitsForThePlaybackMembers() throws Exception {
        Substream cap = rig.preparedFree("toy", CAPTURE);
        Substream play = rig.setup("toy", PLAYBACK);
        play.swParams(play.swParams().withStartThreshold(BUFFER + 1));
        play.prepare();
        Rig.write(play, 2 * PERIOD);
        cap.link(play);
        cap.start();
        Future<Void> drain = rig.inThread(() -> {
            cap.drain();
            return null;
        });
        Rig.awaitWaiter(play);
        assertThat(drain.isDone()).isFalse();
        rig.clock.advance(2 * PERIOD_NANOS);
        Rig.get(drain);
        assertStates(SETUP, cap, play);
    }

    @Test
    void groupDrop_leavesAMemberWhoseCardWentAwayDisconnected() {
        Substream a = rig.preparedFree("probe", CAPTURE);
        Substream b = rig.preparedFree("toy", CAPTURE);
        a.link(b);
        a.start();
        rig.engine.removeCard(rig.toy);
        assertStates(PcmState.DISCONNECTED, b);
        a.drop();
        assertStates(SETUP, a);
        assertStates(PcmState.DISCONNECTED, b);
        // it stays in the group until closed, and then leaves it
        assertThat(a.linkedWith()).containsExactly(b.view());
        b.close();
        assertThat(a.linkedWith()).isEmpty();
    }

    // ---- the link-changed notification

    @Test
    void linkChanged_isNotDeliveredToADriverThatWentAway() {
        Substream a = rig.prepared("probe", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        Substream c = rig.prepared("toy", CAPTURE);
        a.link(b);
        a.link(c);
        ProbeCard.Stream ha = rig.probe.last();
        assertThat(ha.linkChanges()).hasSize(2);
        rig.engine.removeCard(rig.probe);
        assertThat(ha.isClosed()).isTrue();
        b.unlink();
        a.close();
        assertThat(ha.linkChanges()).hasSize(2);
        assertThat(c.linkedWith()).isEmpty();
    }

    @Test
    void linkChanged_tellsEveryMemberItsNewSet_onLinkUnlinkAndDissolve() {
        Substream a = rig.prepared("probe", CAPTURE);
        Substream b = rig.prepared("probe", CAPTURE);
        Substream c = rig.prepared("probe", PLAYBACK);
        List<ProbeCard.Stream> hw = rig.probe.streams();
        ProbeCard.Stream ha = hw.get(0);
        ProbeCard.Stream hb = hw.get(1);
        ProbeCard.Stream hc = hw.get(2);

        a.link(b);
        assertThat(names(ha.linkedWith())).containsExactly("probe,0,c1");
        assertThat(names(hb.linkedWith())).containsExactly("probe,0,c0");
        assertThat(hc.linkChanges()).isEmpty();

        a.link(c);
        assertThat(names(ha.linkedWith())).containsExactly("probe,0,c1", "probe,0,p0");
        assertThat(names(hb.linkedWith())).containsExactly("probe,0,c0", "probe,0,p0");
        assertThat(names(hc.linkedWith())).containsExactly("probe,0,c0", "probe,0,c1");

        b.unlink();
        assertThat(names(hb.linkedWith())).isEmpty();
        assertThat(names(ha.linkedWith())).containsExactly("probe,0,p0");
        assertThat(names(hc.linkedWith())).containsExactly("probe,0,c0");

        c.unlink();
        assertThat(names(ha.linkedWith())).isEmpty();
        assertThat(names(hc.linkedWith())).isEmpty();
        assertThat(ha.linkChanges()).hasSize(4);
        assertThat(hb.linkChanges()).hasSize(3);
        assertThat(hc.linkChanges()).hasSize(3);
        // refused calls tell nobody
        assertRefused(EALREADY, a::unlink);
        assertThat(ha.linkChanges()).hasSize(4);
    }

    @Test
    void linkChanged_isDeliveredOnTheLinkingThreadBeforeLinkReturns() {
        Substream a = rig.prepared("probe", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        a.link(b);
        ProbeCard.Stream ha = rig.probe.last();
        assertThat(ha.linkChanges()).hasSize(1);
        assertThat(ha.notifiedOn()).containsExactly(Thread.currentThread());
        assertThat(rig.logged("linkChanged end")).containsExactly("probe,0,c0 linkChanged end [toy,0,c0]");
    }

    @Test
    void linkChanged_theViewShowsTheLinkedCardsIdentityClockAndPeriod() {
        Substream a = rig.preparedFree("probe", PLAYBACK);
        Substream b = rig.preparedFree("toy2", CAPTURE);
        a.link(b);
        Set<SubstreamView> with = rig.probe.last().linkedWith();
        assertThat(with).hasSize(1);
        SubstreamView v = with.iterator().next();
        assertThat(v.cardId()).isEqualTo("toy2");
        assertThat(v.cardName()).isEqualTo("Toy card toy2");
        assertThat(v.device()).isZero();
        assertThat(v.direction()).isEqualTo(CAPTURE);
        assertThat(v.subdevice()).isZero();
        assertThat(v.clock()).isSameAs(rig.toy2.last().runtime().clock());
        assertThat(v.hwParams().periodSize()).isEqualTo(PERIOD);
        assertThat(v.hwParams().rate()).isEqualTo(16_000);
        assertThat(v.state()).isEqualTo(PREPARED);
        b.start();
        assertThat(v.state()).isEqualTo(RUNNING);
        // the same view in every notification, for as long as the substream is open
        Substream c = rig.preparedFree("probe", PLAYBACK);
        c.start();
        assertThat(a.state()).isEqualTo(RUNNING);
        a.link(c);
        assertThat(rig.probe.streams().get(0).linkedWith()).contains(v);
    }

    @Test
    void linkChanged_isNotCalledWithTheStreamLocksHeld() throws Exception {
        Substream a = rig.prepared("probe", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        List<String> seen = new ArrayList<>();
        rig.probe.duringLinkChanged(s -> {
            // another thread can take both stream locks while the driver is being told
            try {
                PcmState sb = rig.inThread(() -> b.status().state()).get(10, TimeUnit.SECONDS);
                PcmState sa = rig.inThread(() -> a.status().state()).get(10, TimeUnit.SECONDS);
                seen.add(sa + " " + sb);
            } catch (Exception e) {
                seen.add("blocked: " + e);
            }
            seen.add("held: " + (a.lock.isLocked() || b.lock.isLocked()));
        });
        a.link(b);
        assertThat(seen).containsExactly("PREPARED PREPARED", "held: false");
    }

    /**
     * The seed's scenario: a start issued while a driver is inside its
     * link-changed notification (blocked, as aloop's on its cable lock) waits
     * until every member's driver has been told, then starts the whole group.
     */
    @Test
    void linkChanged_startIssuedDuringTheNotification_waitsUntilItIsDone() throws Exception {
        Substream a = rig.preparedFree("probe", CAPTURE);
        Substream b = rig.preparedFree("toy", CAPTURE);
        ToyCard.Stream hb = rig.toy.last();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rig.probe.blockNextLinkChanged(entered, release);

        Future<Void> link = rig.inThread(() -> {
            a.link(b);
            return null;
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Void> startB = rig.inThread(() -> {
            b.start();
            return null;
        });
        Future<Void> startA = rig.inThread(() -> {
            a.start();
            return null;
        });
        // both starts wait for the group, which the link transaction holds
        awaitTrue("both starts wait for the link transaction", () -> a.group().waiting() == 2);
        assertThat(startA.isDone()).isFalse();
        assertThat(startB.isDone()).isFalse();
        assertThat(hb.triggers()).isEmpty();
        assertThat(rig.logged("START")).isEmpty();
        assertStates(PREPARED, a, b);

        release.countDown();
        Rig.get(link);
        // one start wins and starts the group; the other finds it RUNNING
        List<Throwable> outcomes = new ArrayList<>();
        for (Future<Void> f : List.of(startA, startB)) {
            try {
                Rig.get(f);
            } catch (ErrnoException e) {
                outcomes.add(e);
            }
        }
        assertThat(outcomes).hasSize(1);
        assertThat(((ErrnoException) outcomes.get(0)).errno()).isEqualTo(EBADFD);
        assertStates(RUNNING, a, b);
        assertThat(hb.triggers()).containsExactly(Trigger.START);
        assertThat(rig.indexOf("probe,0,c0 START")).isGreaterThan(rig.indexOf("probe,0,c0 linkChanged end [toy,0,c0]"));
        assertThat(a.status().triggerTimestampNanos()).isEqualTo(b.status().triggerTimestampNanos());
    }

    /** The same race left to the scheduler: a trigger never falls inside a notification. */
    @Test
    void linkChanged_neverOverlapsATriggerOfTheGroup_underRace() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int rounds = 0;
        for (; rounds < 200 && System.nanoTime() < deadline; rounds++) {
            Substream a = rig.preparedFree("probe", CAPTURE);
            Substream b = rig.preparedFree("probe", PLAYBACK);
            CountDownLatch go = new CountDownLatch(1);
            Future<Void> link = rig.inThread(() -> {
                go.await();
                try {
                    a.link(b);
                } catch (ErrnoException e) {
                    // b started alone first: the states differ
                    assertThat(e.errno()).isEqualTo(EBADFD);
                }
                return null;
            });
            Future<Void> start = rig.inThread(() -> {
                go.await();
                try {
                    b.start();
                } catch (ErrnoException ignored) {
                    // not linked yet, or already started through the link: either is fine
                }
                return null;
            });
            go.countDown();
            Rig.get(link);
            Rig.get(start);
            // a start either ran before the link (b alone) or after every notification (the group)
            String ta = ProbeCard.name("probe", 0, false, a.subdevice());
            String tb = ProbeCard.name("probe", 0, true, b.subdevice());
            List<String> events;
            synchronized (rig.log) {
                events = List.copyOf(rig.log);
            }
            int firstBegin = Math.min(events.indexOf(ta + " linkChanged begin"), events.indexOf(tb + " linkChanged begin"));
            int lastEnd = Math.max(lastIndex(events, ta + " linkChanged end"), lastIndex(events, tb + " linkChanged end"));
            for (String t : List.of(ta + " START", tb + " START")) {
                int i = events.indexOf(t);
                assertThat(i == -1 || i < firstBegin || i > lastEnd).as(t + " in " + events).isTrue();
            }
            if (a.state() == RUNNING) {
                assertStates(RUNNING, b);
            }
            a.close();
            b.close();
            rig.log.clear();
        }
        assertThat(rounds).isPositive();
    }

    private static int lastIndex(List<String> events, String prefix) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void linkChanged_closingMemberIsToldItIsAloneBeforeItsDriverCloses() {
        Substream a = rig.prepared("probe", CAPTURE);
        Substream b = rig.prepared("toy", CAPTURE);
        a.link(b);
        a.close();
        assertThat(rig.logged("probe,0,c0")).containsSubsequence("probe,0,c0 linkChanged end []", "probe,0,c0 close");
        assertThat(b.linkedWith()).isEmpty();
    }
}
