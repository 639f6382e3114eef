package pcmshare.core.api.sharing.shmem;

/**
 * Container formats are 64-bit codes in the style of DRM format modifiers: the
 * vendor in the top 8 bits, a vendor-defined value in the other 56.
 */
public final class ContainerFormat {
    /** DRM_FORMAT_MOD_VENDOR_NONE. */
    public static final int VENDOR_NONE = 0;
    /**
     * DRM_FORMAT_MOD_LINEAR: a generic container with this format holds a nesting
     * container ("format linear for nesting dolls").
     */
    public static final long NESTING = 0L;
    /** DRM_FORMAT_MOD_INVALID: never a valid format. */
    public static final long INVALID = 0x00ff_ffff_ffff_ffffL;

    private ContainerFormat() {
    }

    /** fourcc_mod_code(vendor, value). */
    public static long of(int vendor, long value) {
        if (vendor < 0 || vendor > 0xff) {
            throw new IllegalArgumentException("vendor " + vendor + " outside [0, 255]");
        }
        return ((long) vendor << 56) | (value & 0x00ff_ffff_ffff_ffffL);
    }

    /** The vendor of a format (its top 8 bits). */
    public static int vendor(long format) {
        return (int) (format >>> 56);
    }

    public static String toString(long format) {
        return String.format("0x%016x (vendor %d)", format, vendor(format));
    }
}
