package pcmshare.core.api.sharing;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One holder's reference to an exported object. Closing it drops that reference;
 * the object is freed when the last handle on it is closed.
 */
@ConsumerType
public interface SharedHandle extends AutoCloseable {

    /** The mechanism of the exporter that made this handle. */
    String type();

    /** The exported object's id, unique within its exporter. */
    long id();

    /** The exported object's size in bytes. */
    long byteSize();

    /** Who holds this handle. */
    String holder();

    /** The number of open handles on the exported object (0 once freed). */
    int refCount();

    /** Whether this handle is still open. */
    boolean isOpen();

    /**
     * A handle for another holder on the same object.
     *
     * @throws pcmshare.core.api.errno.ErrnoException EBADF when this handle is closed
     */
    SharedHandle share(String holder);

    /** Drops this holder's reference; idempotent. */
    @Override
    void close();
}
