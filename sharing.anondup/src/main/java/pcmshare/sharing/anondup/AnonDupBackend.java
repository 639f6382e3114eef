package pcmshare.sharing.anondup;

import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.errno.Errno.ENODEV;
import static pcmshare.core.api.errno.Errno.EPERM;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.HeldExport;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.DupInfo;
import pcmshare.core.api.sharing.anondup.DupRequest;
import pcmshare.core.api.sharing.anondup.PcmPermissions;
import pcmshare.core.api.sharing.anondup.Preset;

/**
 * The "anondup" sharing backend: restricted duplicate handles on an open
 * substream. As an exporter it exports a {@link DupRequest}: the exported object
 * is one dup, and each import yields a further dup of it owned by the importer.
 *
 * <p>When the backend stops, every dup it made is ended with ENODEV: nobody
 * could revoke them any more. Their mappings stay valid until released.
 */
@Component(service = {AnonDup.class, BufferExporter.class},
        property = BufferExporter.TYPE_PROPERTY + "=" + AnonDup.TYPE)
public final class AnonDupBackend implements AnonDup, BufferExporter<DupRequest, PcmSubstream> {
    private final AtomicLong ids = new AtomicLong();
    /** Dups made from handles this backend did not make (originals), by owner. */
    private final Map<PcmSubstream, List<RestrictedHandle>> byOriginal = new IdentityHashMap<>();
    private final Map<Long, Export> exports = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public AnonDupBackend() {
    }

    @Deactivate
    void deactivate() {
        List<RestrictedHandle> all = new ArrayList<>();
        synchronized (byOriginal) {
            active = false;
            byOriginal.values().forEach(all::addAll);
            byOriginal.clear();
        }
        for (RestrictedHandle h : all) {
            revokeTree(h, ENODEV, "the anondup backend stopped");
        }
        for (Export e : exports.values()) {
            e.dup.end(ENODEV, "the anondup backend stopped");
        }
        exports.clear();
    }

    private void checkActive(String op) {
        if (!active) {
            throw new ErrnoException(ENODEV, op, "deactivated", TYPE, "the anondup backend has stopped");
        }
    }

    // ------------------------------------------------------------------ AnonDup

    @Override
    public PcmSubstream dup(PcmSubstream handle, PcmPermissions permissions, String holder) {
        if (handle == null) {
            throw new ErrnoException(EINVAL, "dup", null, null, "no handle to duplicate");
        }
        if (handle instanceof RestrictedHandle r) {
            if (r.backend() != this) {
                throw new ErrnoException(EINVAL, "dup", null, r.describe(), "a dup made by another anondup backend");
            }
            // its own check first: a revoked or closed parent refuses before anything else
            return r.dup(permissions, holder);
        }
        return dup(handle, null, permissions, holder);
    }

    /** A dup of a restricted handle; never more than it has. */
    PcmSubstream dup(RestrictedHandle parent, PcmPermissions permissions, String holder) {
        return dup(parent.inner(), parent, permissions, holder);
    }

    private PcmSubstream dup(PcmSubstream source, RestrictedHandle parent, PcmPermissions permissions,
            String holder) {
        checkActive("dup");
        if (permissions == null) {
            throw new ErrnoException(EINVAL, "dup", null, null, "no permissions given");
        }
        if (parent != null && !parent.permissions.includes(permissions)) {
            throw new ErrnoException(EPERM, "dup", parent.permissions, permissions, "a dup of "
                    + parent.describe() + " may have at most " + parent.permissions + ", not " + permissions);
        }
        PcmSubstream inner = source.dup();
        RestrictedHandle h = new RestrictedHandle(ids.incrementAndGet(), holder == null ? "anonymous" : holder,
                permissions, parent, this, inner);
        if (parent != null) {
            parent.addChild(h);
            if (!parent.isLive()) {
                // revoked while this dup was made: it goes with its parent
                parent.removeChild(h);
                h.end(EPERM, "its parent was revoked");
            }
        } else {
            synchronized (byOriginal) {
                if (!active) {
                    inner.close();
                    throw new ErrnoException(ENODEV, "dup", "deactivated", TYPE, "the anondup backend has stopped");
                }
                byOriginal.computeIfAbsent(source, k -> new ArrayList<>()).add(h);
            }
        }
        return h;
    }

    /** A dup closed itself: its owner stops listing it, unless the owner must still reach its dups to revoke them. */
    void closed(RestrictedHandle h) {
        if (h.liveChildren() == 0) {
            detach(h);
        }
    }

    private void detach(RestrictedHandle h) {
        if (h.parent != null) {
            h.parent.removeChild(h);
            return;
        }
        synchronized (byOriginal) {
            for (var it = byOriginal.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (e.getValue().remove(h) && e.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    @Override
    public PcmPermissions permissions(PcmSubstream handle) {
        if (handle instanceof RestrictedHandle r) {
            return r.isLive() ? r.permissions : PcmPermissions.NONE;
        }
        return Preset.FULL.permissions();
    }

    private List<RestrictedHandle> children(PcmSubstream owner) {
        if (owner instanceof RestrictedHandle r) {
            return r.children();
        }
        synchronized (byOriginal) {
            List<RestrictedHandle> list = byOriginal.get(owner);
            return list == null ? List.of() : List.copyOf(list);
        }
    }

    @Override
    public List<DupInfo> dups() {
        List<RestrictedHandle> roots = new ArrayList<>();
        synchronized (byOriginal) {
            byOriginal.values().forEach(roots::addAll);
        }
        List<DupInfo> list = new ArrayList<>();
        ArrayDeque<RestrictedHandle> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            RestrictedHandle h = todo.pop();
            // a revoked or closed dup may stay in the tree for its live children; it is not listed
            if (h.isLive()) {
                list.add(new DupInfo(h.id, h.holder, h.permissions, String.valueOf(h.inner()), h.liveChildren()));
            }
            todo.addAll(h.children());
        }
        list.sort(Comparator.comparingLong(DupInfo::id));
        return list;
    }

    @Override
    public List<DupInfo> dups(PcmSubstream owner) {
        List<DupInfo> list = new ArrayList<>();
        for (RestrictedHandle h : children(owner)) {
            if (h.isLive()) {
                list.add(new DupInfo(h.id, h.holder, h.permissions, String.valueOf(h.inner()), h.liveChildren()));
            }
        }
        list.sort(Comparator.comparingLong(DupInfo::id));
        return list;
    }

    @Override
    public void revoke(PcmSubstream owner, PcmSubstream dup) {
        Objects.requireNonNull(owner, "owner");
        if (dup instanceof RestrictedHandle r && !r.isLive() && r.liveChildren() == 0) {
            return;
        }
        if (!(dup instanceof RestrictedHandle r) || !isAncestor(owner, r)) {
            throw new ErrnoException(EPERM, "revoke", null, dup, "not a dup made from " + owner);
        }
        revokeTree(r, EPERM, "revoked by its owner");
    }

    /** Whether {@code h} was made from {@code owner}, directly or through other dups. */
    private boolean isAncestor(PcmSubstream owner, RestrictedHandle h) {
        RestrictedHandle root = h;
        for (RestrictedHandle p = h.parent; p != null; p = p.parent) {
            if (p == owner) {
                return true;
            }
            root = p;
        }
        if (owner instanceof RestrictedHandle) {
            return false;
        }
        synchronized (byOriginal) {
            List<RestrictedHandle> list = byOriginal.get(owner);
            return list != null && list.contains(root);
        }
    }

    @Override
    public int revokeAll(PcmSubstream owner) {
        int n = 0;
        for (RestrictedHandle h : children(owner)) {
            if (h.isLive()) {
                n++;
            }
            revokeTree(h, EPERM, "revoked by its owner");
        }
        return n;
    }

    private void revokeTree(RestrictedHandle h, pcmshare.core.api.errno.Errno errno, String why) {
        // children first would let a late dup slip in; the parent ends first, then refuses new children
        h.end(errno, why);
        for (RestrictedHandle c : h.children()) {
            revokeTree(c, errno, why + " (through " + h.describe() + ")");
        }
        detach(h);
    }

    // ------------------------------------------------------------------ BufferExporter

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public SharedHandle export(DupRequest source, String holder) {
        checkActive("export");
        if (source == null) {
            throw new ErrnoException(EINVAL, "export", null, null, "nothing to export");
        }
        RestrictedHandle dup = (RestrictedHandle) dup(source.handle(), source.permissions(), holder);
        HwParams hw = null;
        try {
            hw = dup.inner().hwParams();
        } catch (ErrnoException ignored) {
            // a substream without setup exports no bytes yet
        }
        Export e = new Export(dup.id, dup, hw == null ? 0 : hw.bufferBytes());
        exports.put(e.id(), e);
        return e.open(holder);
    }

    @Override
    public PcmSubstream importHandle(SharedHandle handle) {
        checkActive("import");
        if (!(HeldExport.of(handle, this) instanceof Export export)) {
            throw HeldExport.foreign(TYPE, handle);
        }
        return export.importFor(handle);
    }

    @Override
    public List<ExportInfo> exports() {
        return HeldExport.listing(exports.values());
    }

    private final class Export extends HeldExport {
        private final RestrictedHandle dup;

        Export(long id, RestrictedHandle dup, long size) {
            super(AnonDupBackend.this, TYPE, id, size);
            this.dup = dup;
        }

        @Override
        protected String name() {
            return dup.describe() + dup.permissions;
        }

        @Override
        protected void released() {
            exports.remove(id());
            // imported dups are handles of their own: they stay until revoked or closed
            dup.close();
        }

        PcmSubstream importFor(SharedHandle handle) {
            return whileOpen(handle, "import", dup::dup);
        }
    }
}
