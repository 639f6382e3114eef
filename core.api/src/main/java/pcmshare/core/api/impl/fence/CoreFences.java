package pcmshare.core.api.impl.fence;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceSignaller;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.Timeline;

/** The {@link Fences} service. Stateless: contexts are unique across all instances. */
@Component(service = Fences.class)
public final class CoreFences implements Fences {

    @Override
    public Timeline newTimeline(String name) {
        return new CoreTimeline(name == null ? "" : name);
    }

    @Override
    public FenceSignaller newFence(String name) {
        return new CoreFenceSignaller(name == null ? "" : name);
    }

    @Override
    public Fence signalledStub() {
        return StubFence.STUB;
    }

    @Override
    public SyncFile syncFile(String name, List<? extends Fence> fences) {
        if (fences == null) {
            throw new ErrnoException(Errno.EINVAL, "sync_file_create", null, null, "fence list is null");
        }
        List<CoreFence> own = new ArrayList<>(fences.size());
        for (Fence f : fences) {
            own.add(CoreReservation.checked("sync_file_create", f));
        }
        return CoreSyncFile.of(name, own);
    }

    @Override
    public SyncFile merge(String name, SyncFile a, SyncFile b) {
        if (CoreSyncFile.fencesOf(a) == null) {
            throw new ErrnoException(Errno.ENOENT, "sync_file_merge", null, a,
                    a == null ? "no sync file to merge" : "not a pcmshare sync file");
        }
        return a.merge(name, b);
    }

    @Override
    public Reservation newReservation() {
        return new CoreReservation();
    }
}
