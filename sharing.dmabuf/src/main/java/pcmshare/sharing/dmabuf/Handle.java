package pcmshare.sharing.dmabuf;

import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;

/** A holder's handle on an export: what a dma-buf file descriptor is before anyone imports it. */
final class Handle implements SharedHandle, Export.Holder {
    final Export export;
    private final String holder;

    Handle(Export export, String holder) {
        this.export = export;
        this.holder = holder;
    }

    @Override
    public String type() {
        return DmaBufExporter.TYPE;
    }

    @Override
    public long id() {
        return export.id;
    }

    @Override
    public long byteSize() {
        return export.size;
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public int refCount() {
        return export.refCount();
    }

    @Override
    public boolean isOpen() {
        return export.holds(this);
    }

    @Override
    public SharedHandle share(String newHolder) {
        Handle h = new Handle(export, newHolder == null ? "" : newHolder);
        export.retainVia(this, h, "share");
        return h;
    }

    /** dma_buf_get: a reference of the importer's own. */
    DmaBuf importBuffer() {
        Buffer b = new Buffer(export, holder + " (imported)");
        export.retainVia(this, b, "import");
        return b;
    }

    @Override
    public void close() {
        export.release(this);
    }

    @Override
    public String toString() {
        return "dmabuf#" + export.id + "[" + holder + "]";
    }
}
