package pcmshare.core.api.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.osgi.annotation.versioning.ConsumerType;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * Support for sharing backends: one exported object and the handles of its
 * holders. Each holder has a {@link SharedHandle}; the object is released exactly
 * once, by {@link #released()}, when the last handle closes. A backend extends it
 * with what it exports and how an import reaches it.
 */
@ConsumerType
public abstract class HeldExport {
    private final Object exporter;
    private final String type;
    private final long id;
    private final long byteSize;
    private final List<Handle> handles = new ArrayList<>();
    /** Set once, when the last handle closed: nothing opens it again (its memory is gone). */
    private boolean released;

    /**
     * @param exporter the exporter instance that made it; imports through any other
     *                 instance are refused, also after the same bundle restarts
     */
    protected HeldExport(Object exporter, String type, long id, long byteSize) {
        this.exporter = exporter;
        this.type = type;
        this.id = id;
        this.byteSize = byteSize;
    }

    /**
     * The export behind {@code handle} when {@code exporter} made it, else null
     * (a handle of another mechanism, of another exporter instance, or not a
     * backend's at all).
     */
    public static HeldExport of(SharedHandle handle, Object exporter) {
        if (handle instanceof Handle h && h.export().exporter == exporter) {
            return h.export();
        }
        return null;
    }

    /** The refusal of an import of a handle that {@code type}'s exporter did not make: EINVAL naming both. */
    public static ErrnoException foreign(String type, SharedHandle handle) {
        String other = handle == null ? "null" : handle.type();
        return new ErrnoException(Errno.EINVAL, "import", type, other,
                "handle of type '" + other + "' was not made by this '" + type + "' exporter");
    }

    /** The listing of {@link BufferExporter#exports()}: the exports still held, oldest first. */
    public static List<ExportInfo> listing(Collection<? extends HeldExport> exports) {
        List<ExportInfo> list = new ArrayList<>();
        for (HeldExport e : exports) {
            ExportInfo info = e.info();
            // one whose last handle is closing may still be in the map
            if (info.refCount() > 0) {
                list.add(info);
            }
        }
        list.sort(Comparator.comparingLong(ExportInfo::id));
        return list;
    }

    public final long id() {
        return id;
    }

    public final long byteSize() {
        return byteSize;
    }

    /** What is exported, for listings. */
    protected abstract String name();

    /** Called once, without the export's lock, when the last handle has closed. */
    protected abstract void released();

    /**
     * A handle for a further holder; the first one comes from the backend's export.
     *
     * @throws ErrnoException EBADF once the last handle has closed: a released export
     *         stays released, as a freed dma-buf cannot be installed again
     */
    public final synchronized SharedHandle open(String holder) {
        if (released) {
            throw new ErrnoException(Errno.EBADF, "open", "released", holder,
                    type + " export #" + id + " was released by its last holder");
        }
        Handle h = new Handle(holder == null ? "" : holder);
        handles.add(h);
        return h;
    }

    /**
     * Runs {@code action} while {@code handle} is open and keeps it from being
     * released meanwhile.
     *
     * @throws ErrnoException EBADF naming {@code operation} when the handle is closed
     */
    protected final synchronized <R> R whileOpen(SharedHandle handle, String operation, Supplier<R> action) {
        if (!handles.contains(handle)) {
            throw new ErrnoException(Errno.EBADF, operation, "closed", handle.holder(), "handle is closed");
        }
        return action.get();
    }

    public final synchronized int refCount() {
        return handles.size();
    }

    public final synchronized ExportInfo info() {
        return new ExportInfo(type, id, name(), byteSize, handles.size(), handles.stream().map(h -> h.holder).toList());
    }

    private void close(Handle h) {
        boolean last;
        synchronized (this) {
            last = handles.remove(h) && handles.isEmpty() && !released;
            if (last) {
                released = true;
            }
        }
        if (last) {
            released();
        }
    }

    private final class Handle implements SharedHandle {
        final String holder;

        Handle(String holder) {
            this.holder = holder;
        }

        HeldExport export() {
            return HeldExport.this;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public long byteSize() {
            return byteSize;
        }

        @Override
        public String holder() {
            return holder;
        }

        @Override
        public int refCount() {
            return HeldExport.this.refCount();
        }

        @Override
        public boolean isOpen() {
            synchronized (HeldExport.this) {
                return handles.contains(this);
            }
        }

        @Override
        public SharedHandle share(String newHolder) {
            return whileOpen(this, "share", () -> open(newHolder));
        }

        @Override
        public void close() {
            HeldExport.this.close(this);
        }

        @Override
        public String toString() {
            return type + "#" + id + "[" + holder + "]";
        }
    }
}
