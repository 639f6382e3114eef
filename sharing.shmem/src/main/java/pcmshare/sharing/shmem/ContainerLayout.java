package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * The two container layouts of seed 004, little-endian and packed (no padding), so
 * that a C peer reads and writes them with the structs it declares:
 *
 * <pre>
 * generic container                 nesting container (payload of a generic one with format NESTING)
 *   0  u64 format                     0             u32 num
 *   8  u32 size                       4 + 8*i       u64 formats[i]
 *  12  u8  payload[size]              4 + 8*num + 4*i   u32 sizes[i]
 *                                     4 + 12*num + 4*i  u32 offsets[i], from the payload area
 *                                     4 + 16*num    u8 payload area
 * </pre>
 *
 * Bytes after a container are ignored (memory comes in pages). The parsers trust
 * nothing they read: every size, count and offset is checked against the memory in
 * 64-bit arithmetic before it is used, and only slices of the given segment are
 * returned, so no read can leave it. The entry count is checked against the
 * policy's {@link FormatPolicy#maxEntries()} before anything is allocated for it.
 */
public final class ContainerLayout {
    public static final int GENERIC_HEADER = 12;
    public static final int NESTING_HEADER = 4;
    /** Bytes of the three arrays per entry: u64 format, u32 size, u32 offset. */
    public static final int NESTING_ENTRY = 16;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ContainerLayout() {
    }


    /** A parsed generic container: its format and a slice of the memory holding the payload. */
    public record Generic(long format, MemorySegment payload) {
    }

    private static ErrnoException invalid(String container, String field, Object value, String why) {
        return new ErrnoException(Errno.EINVAL, "validate", container + " container", value, field + ": " + why);
    }

    private static void checkFormat(String container, String field, long format, FormatPolicy policy) {
        if (format == ContainerFormat.INVALID) {
            throw invalid(container, field, ContainerFormat.toString(format), "DRM_FORMAT_MOD_INVALID");
        }
        if (!policy.allows(format)) {
            throw invalid(container, field, ContainerFormat.toString(format), "format not accepted by this reader");
        }
    }

    /** Parses a generic container at the start of {@code memory}. */
    public static Generic parseGeneric(MemorySegment memory, FormatPolicy policy) {
        long limit = memory.byteSize();
        if (limit < GENERIC_HEADER) {
            throw invalid("generic", "header", limit, "memory of " + limit + " bytes is shorter than the "
                    + GENERIC_HEADER + "-byte header");
        }
        long format = memory.get(U64, 0);
        long size = Integer.toUnsignedLong(memory.get(U32, 8));
        checkFormat("generic", "format", format, policy);
        if (size > limit - GENERIC_HEADER) {
            throw invalid("generic", "size", size, "payload ends at " + (GENERIC_HEADER + size)
                    + ", beyond the memory's " + limit + " bytes");
        }
        return new Generic(format, memory.asSlice(GENERIC_HEADER, size));
    }

    /** Where {@code formats[i]} of a nesting container of {@code count} entries is. */
    static long formatAt(long count, long i) {
        return NESTING_HEADER + 8 * i;
    }

    /** Where {@code sizes[i]} is. */
    static long sizeAt(long count, long i) {
        return NESTING_HEADER + 8 * count + 4 * i;
    }

    /** Where {@code offsets[i]} is. */
    static long offsetAt(long count, long i) {
        return NESTING_HEADER + 12 * count + 4 * i;
    }

    /** Parses a nesting container filling {@code memory} (a generic container's payload). */
    public static List<ContainerEntry> parseNesting(MemorySegment memory, FormatPolicy policy) {
        long limit = memory.byteSize();
        if (limit < NESTING_HEADER) {
            throw invalid("nesting", "num", limit, "memory of " + limit + " bytes has no room for the count");
        }
        long count = Integer.toUnsignedLong(memory.get(U32, 0));
        // before anything is allocated per entry: the peer chose this number
        if (count > policy.maxEntries()) {
            throw invalid("nesting", "num", count, count + " entries over the reader's limit of "
                    + policy.maxEntries() + " entries (FormatPolicy.maxEntries)");
        }
        if (count > (limit - NESTING_HEADER) / NESTING_ENTRY) {
            throw invalid("nesting", "num", count, count + " entries of " + NESTING_ENTRY
                    + " bytes do not fit in " + limit + " bytes");
        }
        long area = NESTING_HEADER + count * NESTING_ENTRY;
        long areaSize = limit - area;
        long[][] spans = new long[(int) count][];
        List<ContainerEntry> entries = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long format = memory.get(U64, formatAt(count, i));
            long size = Integer.toUnsignedLong(memory.get(U32, sizeAt(count, i)));
            long offset = Integer.toUnsignedLong(memory.get(U32, offsetAt(count, i)));
            checkFormat("nesting", "formats[" + i + "]", format, policy);
            if (offset > areaSize) {
                throw invalid("nesting", "offsets[" + i + "]", offset,
                        "beyond the payload area of " + areaSize + " bytes");
            }
            if (size > areaSize - offset) {
                throw invalid("nesting", "sizes[" + i + "]", size, "entry at offset " + offset
                        + " ends at " + (offset + size) + ", beyond the payload area of " + areaSize + " bytes");
            }
            spans[i] = new long[] { offset, offset + size, i };
            entries.add(new ContainerEntry(format, memory.asSlice(area + offset, size)));
        }
        long[][] byStart = spans.clone();
        Arrays.sort(byStart, Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> s[1]));
        long[] previous = null;
        for (long[] s : byStart) {
            if (s[1] == s[0]) {
                continue; // an empty payload occupies no bytes
            }
            if (previous != null && s[0] < previous[1]) {
                throw invalid("nesting", "offsets[" + s[2] + "]", s[0], "overlaps entry " + previous[2]
                        + " at [" + previous[0] + ", " + previous[1] + ")");
            }
            previous = s;
        }
        return List.copyOf(entries);
    }

    /** Bytes a generic container with this payload size needs. */
    public static long genericSize(long payloadSize) {
        return GENERIC_HEADER + payloadSize;
    }

    /** Writes a generic container header and payload at the start of {@code dst}. */
    public static void writeGeneric(MemorySegment dst, long format, MemorySegment payload) {
        long size = payload.byteSize();
        if (size > 0xffff_ffffL) {
            throw new ErrnoException(Errno.EINVAL, "write_container", "generic container", size,
                    "size: payload larger than a u32");
        }
        dst.set(U64, 0, format);
        dst.set(U32, 8, (int) size);
        MemorySegment.copy(payload, 0, dst, GENERIC_HEADER, size);
    }

    /** Bytes a nesting container with these entries needs (payloads packed in order). */
    public static long nestingSize(List<ContainerEntry> entries) {
        long size = NESTING_HEADER + (long) entries.size() * NESTING_ENTRY;
        for (ContainerEntry e : entries) {
            size += e.payload().byteSize();
        }
        return size;
    }

    /** Writes a nesting container at the start of {@code dst}, payloads packed in entry order. */
    public static void writeNesting(MemorySegment dst, List<ContainerEntry> entries) {
        int count = entries.size();
        long area = NESTING_HEADER + (long) count * NESTING_ENTRY;
        dst.set(U32, 0, count);
        long offset = 0;
        for (int i = 0; i < count; i++) {
            ContainerEntry e = entries.get(i);
            long size = e.payload().byteSize();
            if (offset + size > 0xffff_ffffL) {
                throw new ErrnoException(Errno.EINVAL, "write_container", "nesting container", offset + size,
                        "sizes[" + i + "]: payload area larger than a u32 offset reaches");
            }
            dst.set(U64, formatAt(count, i), e.format());
            dst.set(U32, sizeAt(count, i), (int) size);
            dst.set(U32, offsetAt(count, i), (int) offset);
            MemorySegment.copy(e.payload(), 0, dst, area + offset, size);
            offset += size;
        }
    }
}
