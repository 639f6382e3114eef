package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceStatus;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.Timeline;

/** The fence service as another bundle meets it: through the service registry. */
class FencesServiceTest {

    @Test
    void timelineFenceSignalsWaiterThroughTheRegisteredService(@InjectService(timeout = 5000) Fences fences)
            throws Exception {
        try (Timeline timeline = fences.newTimeline("itest")) {
            Fence fence = timeline.createFence(2);
            CountDownLatch ran = new CountDownLatch(1);
            assertThat(fence.addCallback(f -> ran.countDown())).isTrue();

            timeline.advance(1);
            assertThat(fence.status()).isEqualTo(FenceStatus.PENDING);
            timeline.advance(1);

            assertThat(fence.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(fence.status()).isEqualTo(FenceStatus.SIGNALLED);
        }
    }

    @Test
    void importedReadFenceBlocksWritersOnly(@InjectService(timeout = 5000) Fences fences) {
        try (Timeline timeline = fences.newTimeline("itest-resv")) {
            Reservation resv = fences.newReservation();
            SyncFile read = fences.syncFile("reader", timeline.createFence(1));
            resv.importSyncFile(read, Reservation.SYNC_READ);

            assertThat(resv.isSignalled(Reservation.Usage.rw(true))).as("writers must wait").isFalse();
            assertThat(resv.isSignalled(Reservation.Usage.rw(false))).as("readers need not").isTrue();
            timeline.advance(1);
            assertThat(resv.isSignalled(Reservation.Usage.rw(true))).isTrue();
        }
    }
}
