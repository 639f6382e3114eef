package pcmshare.core.api.sharing.shmem;

import java.util.Arrays;

/**
 * Which container formats a reader accepts, and how much it takes from a peer: the
 * limits are checked before the reader maps, copies or allocates anything, so a
 * container's header cannot make the reader spend more than they allow.
 */
@FunctionalInterface
public interface FormatPolicy {
    /** The default {@link #maxBytes()}: 16 MiB. */
    long DEFAULT_MAX_BYTES = 16L << 20;
    /** The default {@link #maxEntries()}. */
    int DEFAULT_MAX_ENTRIES = 4096;

    boolean allows(long format);

    /**
     * The largest container accepted, header included, in bytes; a larger one is
     * refused (EINVAL) naming this limit.
     *
     * @since 1.1
     */
    default long maxBytes() {
        return DEFAULT_MAX_BYTES;
    }

    /**
     * The most entries a nesting container may have; more are refused (EINVAL) naming
     * this limit, before anything is allocated for them.
     *
     * @since 1.1
     */
    default int maxEntries() {
        return DEFAULT_MAX_ENTRIES;
    }

    /**
     * This policy's formats with other limits.
     *
     * @throws IllegalArgumentException for a negative limit
     * @since 1.1
     */
    default FormatPolicy withLimits(long maxBytes, int maxEntries) {
        if (maxBytes < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("limits must not be negative: maxBytes " + maxBytes
                    + ", maxEntries " + maxEntries);
        }
        FormatPolicy formats = this;
        return new FormatPolicy() {
            @Override
            public boolean allows(long format) {
                return formats.allows(format);
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }

            @Override
            public int maxEntries() {
                return maxEntries;
            }
        };
    }

    /** Any format except {@link ContainerFormat#INVALID}. */
    static FormatPolicy any() {
        return format -> true;
    }

    /** Only these formats ({@link ContainerFormat#NESTING} must be listed to accept nesting containers). */
    static FormatPolicy only(long... formats) {
        long[] sorted = formats.clone();
        Arrays.sort(sorted);
        return format -> Arrays.binarySearch(sorted, format) >= 0;
    }

    /** Any format of these vendors. */
    static FormatPolicy vendors(int... vendors) {
        int[] sorted = vendors.clone();
        Arrays.sort(sorted);
        return format -> Arrays.binarySearch(sorted, ContainerFormat.vendor(format)) >= 0;
    }
}
