package pcmshare.core.api.impl.fence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceInfo;
import pcmshare.core.api.fence.FenceStatus;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.fence.SyncFileInfo;

/**
 * sync_file: an immutable set of plain fences, one per context, and the one
 * fence that stands for them.
 *
 * <p>Unlike dma_fence_unwrap_merge, fences that have already signalled are
 * kept, so the info still lists them and an error they carry still reaches the
 * combined fence.
 */
final class CoreSyncFile implements SyncFile {
    private final String name;
    private final List<CoreFence> fences;
    private final CoreFence fence;

    private CoreSyncFile(String name, List<CoreFence> fences, CoreFence fence) {
        this.name = name;
        this.fences = fences;
        this.fence = fence;
    }

    /**
     * A sync file over {@code input}, already checked to be pcmshare fences:
     * combined fences are unwrapped, and per context the later seqno is kept.
     */
    static CoreSyncFile of(String name, List<CoreFence> input) {
        String n = name == null ? "" : name;
        Map<Long, CoreFence> latest = new HashMap<>();
        for (CoreFence f : input) {
            for (CoreFence part : f.parts()) {
                latest.merge(part.context(), part, (a, b) -> b.isLaterOrSame(a) ? b : a);
            }
        }
        List<CoreFence> parts = new ArrayList<>(latest.values());
        parts.sort(Comparator.comparingLong(CoreFence::context));
        if (parts.isEmpty()) {
            return new CoreSyncFile(n, List.of(StubFence.STUB), StubFence.STUB);
        }
        List<CoreFence> unique = List.copyOf(parts);
        CoreFence single = unique.size() == 1 ? unique.get(0) : ArrayFence.over(n, unique);
        return new CoreSyncFile(n, unique, single);
    }

    /** The fences of a sync file handed in from outside, or null when it is not ours. */
    static List<CoreFence> fencesOf(SyncFile file) {
        return file instanceof CoreSyncFile own ? own.fences : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Fence fence() {
        return fence;
    }

    @Override
    public List<Fence> fences() {
        return List.copyOf(fences);
    }

    @Override
    public FenceStatus status() {
        return fence.status();
    }

    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return fence.await(timeout, unit);
    }

    @Override
    public SyncFileInfo info() {
        List<FenceInfo> infos = new ArrayList<>(fences.size());
        for (CoreFence f : fences) {
            infos.add(f.info());
        }
        return new SyncFileInfo(name, fence.status(), infos);
    }

    @Override
    public SyncFile merge(String mergedName, SyncFile other) {
        List<CoreFence> theirs = fencesOf(other);
        if (theirs == null) {
            throw new ErrnoException(Errno.ENOENT, "sync_file_merge", status(), other,
                    other == null ? "no sync file to merge with" : "not a pcmshare sync file");
        }
        List<CoreFence> all = new ArrayList<>(fences.size() + theirs.size());
        all.addAll(fences);
        all.addAll(theirs);
        return of(mergedName, all);
    }

    @Override
    public String toString() {
        return "sync_file " + name + fences;
    }
}
