package pcmshare.core.api.sharing.shmem;

import java.util.Arrays;

/** Which container formats a reader accepts. */
@FunctionalInterface
public interface FormatPolicy {

    boolean allows(long format);

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
