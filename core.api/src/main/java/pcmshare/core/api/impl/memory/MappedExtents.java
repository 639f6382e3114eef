package pcmshare.core.api.impl.memory;

import java.util.Arrays;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * The sizes of the live mappings of one memory, shared by every handle on it (what
 * the kernel keeps in the inode's i_mmap). A shrink below the end of a live mapping
 * is refused: the kernel would allow it and let the next access to the cut pages
 * raise SIGBUS, which the JVM turns into an InternalError in whoever reads. Guarded
 * by the caller's lock on this object.
 */
final class MappedExtents {
    private long[] sizes = new long[2];
    private int count;

    void mapped(long size) {
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, count * 2);
        }
        sizes[count++] = size;
    }

    void unmapped(long size) {
        for (int i = 0; i < count; i++) {
            if (sizes[i] == size) {
                sizes[i] = sizes[--count];
                return;
            }
        }
    }

    long largest() {
        long max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, sizes[i]);
        }
        return max;
    }

    /** Whether {@code newSize} would cut a live mapping (a negative size is the kernel's EINVAL). */
    boolean wouldCut(long newSize) {
        return newSize >= 0 && newSize < largest();
    }

    /** EBUSY when {@code newSize} would cut a live mapping. */
    void checkShrink(String name, long newSize) {
        if (wouldCut(newSize)) {
            throw new ErrnoException(Errno.EBUSY, "ftruncate", name, newSize, "a live mapping of " + largest()
                    + " bytes would lose its end (a fault for its readers); unmap it first, or seal F_SEAL_SHRINK");
        }
    }
}
