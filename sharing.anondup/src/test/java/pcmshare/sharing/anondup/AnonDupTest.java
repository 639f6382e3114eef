package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EBADF;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.ENODEV;
import static pcmshare.core.api.errno.Errno.EPERM;
import static pcmshare.sharing.anondup.Rig.BUFFER;
import static pcmshare.sharing.anondup.Rig.PERIOD;
import static pcmshare.sharing.anondup.Rig.STD;
import static pcmshare.sharing.anondup.Rig.assertRefused;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.DupRequest;
import pcmshare.core.api.sharing.anondup.PcmPermission;
import pcmshare.core.api.sharing.anondup.PcmPermissions;
import pcmshare.core.api.sharing.anondup.Preset;

/** Semantics and lifetime of anonymous dups (seed 001: snd_pcm_anonymous_dup with SNDRV_PCM_PERM_*). */
class AnonDupTest {
    private final Rig rig = new Rig();

    // ------------------------------------------------------------------ the dup itself

    @Test
    void anonymousDup_isTheSameSubstreamAndRuntime_noNewOpenNoNewHwParams() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        assertThat(rig.card.streams).as("no new driver open").hasSize(1);
        assertThat(dup.hwParams()).isEqualTo(STD);
        assertThat(dup.write(Rig.frames(PERIOD, 3), PERIOD)).isEqualTo(PERIOD);
        assertThat(original.status().applPtr()).isEqualTo(PERIOD);
        assertThat(dup.state()).isEqualTo(original.state()).isEqualTo(PcmState.RUNNING);
    }

    @Test
    void permFull_mayDoEverythingTheOriginalMay() {
        PcmSubstream original = rig.open(Direction.PLAYBACK);
        PcmSubstream full = rig.backend.dup(original, Preset.FULL, "full");
        full.hwParams(STD);
        full.prepare();
        full.write(Rig.frames(PERIOD, 1), PERIOD);
        full.drop();
        assertThat(original.state()).isEqualTo(PcmState.SETUP);
        assertThat(rig.backend.permissions(full)).isEqualTo(Preset.FULL.permissions());
        assertThat(rig.backend.permissions(original)).isEqualTo(Preset.FULL.permissions());
    }

    @Test
    void refusedOperation_isEPERM_namingTheOperationAndThePermissions() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream monitor = rig.backend.dup(original, Preset.MONITOR, "client");
        ErrnoException e = assertRefused(EPERM, monitor::start);
        assertThat(e.operation()).isEqualTo("start");
        assertThat(e.getMessage()).contains("start").contains("TRIGGER").contains("MONITOR[INFO,MMAP,RW,STATUS]");
        assertThat(original.state()).as("nothing happened").isEqualTo(PcmState.PREPARED);
    }

    @Test
    void redup_withTheSameOrFewerPermissions_only() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream monitor = rig.backend.dup(original, Preset.MONITOR, "client");
        PcmSubstream same = monitor.dup();
        assertThat(rig.backend.permissions(same)).isEqualTo(Preset.MONITOR.permissions());
        PcmSubstream fewer = rig.backend.dup(monitor, Preset.BUFFER, "grandchild");
        assertThat(rig.backend.permissions(fewer)).isEqualTo(Preset.BUFFER.permissions());
        ErrnoException e = assertRefused(EPERM, () -> rig.backend.dup(monitor, Preset.FULL, "greedy"));
        assertThat(e.getMessage()).contains("MONITOR").contains("FULL");
        assertRefused(EPERM, () -> rig.backend.dup(fewer, PcmPermissions.of(PcmPermission.RW), "greedy"));
        assertThat(rig.backend.dups(monitor)).extracting(d -> d.holder()).containsExactly("client", "grandchild");
    }

    @Test
    void unknownPermissionValue_isEINVAL() {
        assertRefused(EINVAL, () -> PcmPermissions.ofBits(1 << 20));
        assertRefused(EINVAL, () -> PcmPermissions.ofBits(-1));
        assertRefused(EINVAL, () -> PcmPermissions.parse("MMAP,TELEPORT"));
        assertRefused(EINVAL, () -> PcmPermission.named("root"));
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        assertRefused(EINVAL, () -> rig.backend.dup(original, (PcmPermissions) null, "x"));
        assertThat(PcmPermissions.parse("monitor")).isEqualTo(Preset.MONITOR.permissions());
        assertThat(PcmPermissions.parse("mmap | status")).isEqualTo(PcmPermissions.of(PcmPermission.MMAP,
                PcmPermission.STATUS));
        assertThat(PcmPermissions.ofBits(Preset.BUFFER.permissions().bits()).preset()).isEqualTo(Preset.BUFFER);
    }

    // ------------------------------------------------------------------ lifetime

    @Test
    void closingTheOriginal_whileADupStreams_keepsTheRuntimeAndTheMapping() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        PcmMapping mapping = dup.map();
        commit(dup, BUFFER, 5);
        original.start();
        HandCard.Stream hw = rig.card.last();
        hw.advance(PERIOD);
        original.close();
        assertThat(hw.closed).as("closing the owner does not close the substream").isFalse();
        assertThat(dup.state()).isEqualTo(PcmState.RUNNING);
        // the dup keeps streaming: the hardware moves, the dup refills what was played
        for (int i = 0; i < 8; i++) {
            hw.advance(PERIOD);
            assertThat(dup.avail()).isEqualTo(2 * PERIOD);
            commit(dup, PERIOD, 6);
        }
        assertThat(dup.status().hwPtr()).isEqualTo(9 * PERIOD);
        assertThat(mapping.memory().segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 6);
        dup.close();
        assertThat(hw.closed).as("the last handle closes the substream").isTrue();
        assertThat(mapping.memory().segment().get(ValueLayout.JAVA_BYTE, 0)).as("mapped until released")
                .isEqualTo((byte) 6);
        mapping.close();
    }

    private static void commit(PcmSubstream s, long frames, int value) {
        var area = s.mmapBegin(frames);
        area.buffer().asSlice(area.byteOffset(0, area.offset()), area.frames() * area.stepBytes()).fill((byte) value);
        s.mmapCommit(area.offset(), area.frames());
    }

    @Test
    void closingADup_neverAffectsTheOriginal() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream dup = rig.backend.dup(original, Preset.FULL, "client");
        dup.close();
        dup.close();
        assertRefused(EBADF, dup::status);
        assertThat(original.write(Rig.frames(PERIOD, 1), PERIOD)).isEqualTo(PERIOD);
        assertThat(original.state()).isEqualTo(PcmState.RUNNING);
        assertThat(rig.backend.dups(original)).isEmpty();
    }

    @Test
    void disconnect_everyDupGetsEBADFD_andMappedMemoryStaysValid() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        PcmSubstream buffer = rig.backend.dup(dup, Preset.BUFFER, "grandchild");
        PcmMapping mapping = buffer.map();
        mapping.memory().segment().fill((byte) 4);
        rig.engine.removeCard(rig.card);
        assertRefused(EBADFD, () -> dup.write(Rig.frames(1, 0), 1));
        assertRefused(EBADFD, dup::avail);
        assertRefused(EBADFD, buffer::map);
        assertThat(dup.status().state()).isEqualTo(PcmState.DISCONNECTED);
        assertThat(mapping.memory().segment().get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 4);
        original.close();
        dup.close();
        buffer.close();
        assertThat(mapping.memory().segment().get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 4);
        mapping.close();
    }

    // ------------------------------------------------------------------ revoke

    @Test
    void revoke_everyLaterCallIsEPERM_andTheDupsMadeFromItGoToo() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        PcmSubstream child = dup.dup();
        PcmMapping mapping = child.map();
        PcmSubstream other = rig.backend.dup(original, Preset.BUFFER, "other");
        assertThat(rig.backend.dups(original)).extracting(d -> d.holder()).containsExactly("client", "other");
        assertThat(rig.backend.dups(original).get(0).dups()).isEqualTo(1);
        rig.backend.revoke(original, dup);
        for (PcmSubstream revoked : new PcmSubstream[] {dup, child}) {
            ErrnoException e = assertRefused(EPERM, revoked::status);
            assertThat(e.getMessage()).contains("revoked");
            assertRefused(EPERM, revoked::cardId);
            assertRefused(EPERM, revoked::dup);
            assertRefused(EPERM, () -> revoked.write(Rig.frames(1, 0), 1));
        }
        assertThat(rig.backend.permissions(dup)).isEqualTo(PcmPermissions.NONE);
        assertThat(rig.backend.dups(original)).extracting(d -> d.holder()).containsExactly("other");
        assertThat(other.hwParams()).isEqualTo(STD.withAccess(Access.MMAP_INTERLEAVED));
        assertThat(original.state()).isEqualTo(PcmState.PREPARED);
        mapping.memory().segment().fill((byte) 1); // still mapped
        mapping.close();
        dup.close(); // closing a revoked handle is fine
        rig.backend.revoke(original, dup); // idempotent
        assertThat(rig.backend.revokeAll(original)).isEqualTo(1);
        assertRefused(EPERM, other::hwParams);
        original.close();
        assertThat(rig.card.last().closed).as("revoked dups hold nothing").isTrue();
    }

    @Test
    void revoke_onlyByTheOwner() {
        PcmSubstream a = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream b = rig.prepared(Direction.PLAYBACK, STD);
        PcmSubstream dupOfA = rig.backend.dup(a, Preset.MONITOR, "client");
        PcmSubstream sibling = rig.backend.dup(a, Preset.MONITOR, "sibling");
        assertRefused(EPERM, () -> rig.backend.revoke(b, dupOfA));
        assertRefused(EPERM, () -> rig.backend.revoke(sibling, dupOfA));
        assertThat(dupOfA.avail()).isEqualTo(BUFFER);
    }

    @Test
    void revoke_wakesADupBlockedInARead_withEPERM() throws Exception {
        PcmSubstream original = rig.prepared(Direction.CAPTURE, STD);
        original.start();
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        AtomicReference<Thread> reader = new AtomicReference<>();
        MemorySegment into = Arena.ofAuto().allocate(PERIOD * STD.frameBytes());
        CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
            reader.set(Thread.currentThread());
            return dup.read(into, PERIOD);
        });
        awaitBlocked(reader);
        rig.backend.revoke(original, dup);
        ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> read.get(10, TimeUnit.SECONDS));
        assertThat(failed).as("the blocked read returned").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(ErrnoException.class);
        ErrnoException e = (ErrnoException) failed.getCause();
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(EPERM);
        assertThat(e.operation()).isEqualTo("read");
        assertThat(e.getMessage()).contains("revoked");
        assertThat(reader.get().isInterrupted()).as("the wake-up leaves no interrupt behind").isFalse();
        // the owner's stream is untouched
        assertThat(original.state()).isEqualTo(PcmState.RUNNING);
        rig.card.last().advance(PERIOD);
        assertThat(original.read(into, PERIOD)).isEqualTo(PERIOD);
    }

    @Test
    void revoke_wakesADupBlockedInWaitAvail() throws Exception {
        PcmSubstream original = rig.prepared(Direction.CAPTURE, STD);
        original.start();
        PcmSubstream dup = rig.backend.dup(original, Preset.MONITOR, "client");
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Boolean> wait = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            return dup.waitAvail(-1);
        });
        awaitBlocked(waiter);
        rig.backend.revokeAll(original);
        ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> wait.get(10, TimeUnit.SECONDS));
        assertThat(((ErrnoException) failed.getCause()).errno()).isEqualTo(EPERM);
    }

    /** Spins (no sleep) until the thread parks in the substream's wait, or fails after 10 s of real time. */
    private static void awaitBlocked(AtomicReference<Thread> thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.get() == null || thread.get().getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the call never blocked");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void backendStopping_endsItsDupsWithENODEV_mappingsStay() {
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = rig.backend.dup(original, Preset.BUFFER, "client");
        PcmMapping mapping = dup.map();
        rig.backend.deactivate();
        assertRefused(ENODEV, dup::map);
        assertRefused(ENODEV, () -> rig.backend.dup(original, Preset.BUFFER, "late"));
        mapping.memory().segment().fill((byte) 2);
        mapping.close();
        assertThat(original.state()).isEqualTo(PcmState.PREPARED);
    }

    // ------------------------------------------------------------------ the exporter

    @Test
    void exporter_exportsADup_andEachImportIsAFurtherDupOwnedByTheImporter() {
        assertThat(rig.backend.type()).isEqualTo(AnonDup.TYPE);
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, STD);
        SharedHandle handle = rig.backend.export(DupRequest.of(original, Preset.MONITOR), "server");
        assertThat(handle.byteSize()).isEqualTo(STD.bufferBytes());
        SharedHandle shared = handle.share("client");
        PcmSubstream imported = rig.backend.importHandle(shared);
        assertThat(rig.backend.permissions(imported)).isEqualTo(Preset.MONITOR.permissions());
        assertRefused(EPERM, imported::start);
        assertThat(rig.backend.exports()).singleElement().satisfies(i -> {
            assertThat(i.refCount()).isEqualTo(2);
            assertThat(i.holders()).containsExactly("server", "client");
        });
        handle.close();
        shared.close();
        assertThat(rig.backend.exports()).isEmpty();
        assertThat(imported.avail()).as("an import outlives the export").isEqualTo(BUFFER);
        rig.backend.revokeAll(original);
        assertRefused(EPERM, imported::avail);
        assertRefused(EBADF, () -> rig.backend.importHandle(handle));
    }

    @Test
    void exporter_refusesAHandleItDidNotMake_withEINVAL() {
        SharedHandle foreign = new SharedHandle() {
            public String type() {
                return "shmem";
            }

            public long id() {
                return 1;
            }

            public long byteSize() {
                return 0;
            }

            public String holder() {
                return "x";
            }

            public int refCount() {
                return 1;
            }

            public boolean isOpen() {
                return true;
            }

            public SharedHandle share(String holder) {
                return this;
            }

            public void close() {
            }
        };
        ErrnoException e = assertRefused(EINVAL, () -> rig.backend.importHandle(foreign));
        assertThat(e.getMessage()).contains("shmem").contains("anondup");
    }

    /** The core links only handles it made: a restricted dup is told so, not that it is a stranger. */
    @Test
    void link_withARestrictedDup_saysARestrictedHandleCannotBeLinked() {
        PcmSubstream a = rig.prepared(Direction.PLAYBACK, Rig.STD);
        PcmSubstream b = rig.prepared(Direction.CAPTURE, Rig.STD);
        PcmSubstream restricted = rig.backend.dup(b, Preset.FULL, "client");
        ErrnoException e = assertRefused(EBADFD, () -> a.link(restricted));
        assertThat(e.getMessage()).contains("restricted handle").doesNotContain("not a substream of this core");
        assertThat(a.linkedWith()).isEmpty();
    }
}
