package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerEntry;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * A seeded fuzzer over both parsers, bounded by iterations and a deadline: inputs
 * are valid containers mutated in their fields and bytes, plus random bytes. The
 * only failure allowed is the validation error (EINVAL); anything else, e.g. an
 * {@link IndexOutOfBoundsException} from a read outside the memory, fails the test.
 * Each input sits in a slice of a larger segment, so a parser that read past its
 * memory would be caught by the slice's bounds rather than reading the neighbour.
 */
class ContainerFuzzTest {
    private static final long SEED = 0x5eed_0004L;
    private static final int MAX_ITERATIONS = 200_000;
    private static final long DEADLINE_NANOS = 3_000_000_000L;
    private static final long[] FORMATS = { ContainerFormat.NESTING, ContainerFormat.INVALID,
            ContainerFormat.of(1, 7), ContainerFormat.of(0x0a, 0x10), ContainerFormat.of(0xff, -1) };

    private final SplittableRandom random = new SplittableRandom(SEED);

    private MemorySegment payload(int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    private long interestingU32() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 0xffff_ffffL;
            case 2 -> 0x8000_0000L;
            case 3 -> random.nextInt(64);
            case 4 -> 0xffff_ffffL - random.nextInt(64);
            default -> random.nextLong(1L << 32);
        };
    }

    private byte[] input() {
        List<ContainerEntry> entries = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            entries.add(new ContainerEntry(FORMATS[random.nextInt(FORMATS.length)], payload(24)));
        }
        boolean nesting = random.nextBoolean();
        long inner = nesting ? ContainerLayout.nestingSize(entries) : random.nextInt(48);
        byte[] bytes = new byte[(int) ContainerLayout.genericSize(inner) + random.nextInt(8)];
        MemorySegment m = MemorySegment.ofArray(bytes);
        if (nesting) {
            m.set(ContainerLayout.U64, 0, ContainerFormat.NESTING);
            m.set(ContainerLayout.U32, 8, (int) inner);
            ContainerLayout.writeNesting(m.asSlice(ContainerLayout.GENERIC_HEADER, inner), entries);
        } else {
            ContainerLayout.writeGeneric(m, FORMATS[random.nextInt(FORMATS.length)], payload((int) inner));
            m.set(ContainerLayout.U32, 8, (int) inner);
        }
        for (int i = random.nextInt(4); i > 0 && bytes.length > 0; i--) {
            switch (random.nextInt(5)) {
                case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
                case 1 -> {
                    // overwrite a u32 field of the header or an entry with an edge value
                    int at = random.nextInt(Math.max(1, bytes.length - 3));
                    if (at + 4 <= bytes.length) {
                        m.set(ContainerLayout.U32, at, (int) interestingU32());
                    }
                }
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> {
                    byte[] fresh = new byte[random.nextInt(64)];
                    random.nextBytes(fresh);
                    return fresh;
                }
                default -> {
                    int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            m = MemorySegment.ofArray(bytes);
        }
        return bytes;
    }

    @Test
    @DisplayName("fuzz: both parsers only ever fail with EINVAL and never read outside their memory")
    void fuzz_parsersFailOnlyWithValidationErrors() {
        long start = System.nanoTime();
        int accepted = 0;
        int refused = 0;
        int iterations = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arenaMemory = arena.allocate(4096);
            while (iterations < MAX_ITERATIONS && System.nanoTime() - start < DEADLINE_NANOS) {
                iterations++;
                byte[] in = input();
                // the input sits between guard bytes; its slice is all the parser may see
                arenaMemory.fill((byte) 0x5a);
                MemorySegment memory = arenaMemory.asSlice(64, in.length);
                MemorySegment.copy(MemorySegment.ofArray(in), 0, memory, 0, in.length);
                FormatPolicy policy = random.nextBoolean() ? FormatPolicy.any()
                        : FormatPolicy.only(ContainerFormat.NESTING, FORMATS[2]);
                try {
                    ContainerLayout.Generic g = ContainerLayout.parseGeneric(memory, policy);
                    assertWithin(memory, g.payload());
                    if (g.format() == ContainerFormat.NESTING) {
                        for (ContainerEntry e : ContainerLayout.parseNesting(g.payload(), policy)) {
                            assertWithin(g.payload(), e.payload());
                        }
                    }
                    accepted++;
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.getMessage()).contains("validate refused");
                    refused++;
                }
                // the raw bytes fuzz the nesting parser directly too
                try {
                    for (ContainerEntry e : ContainerLayout.parseNesting(memory, policy)) {
                        assertWithin(memory, e.payload());
                    }
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                }
                assertThat(arenaMemory.get(ValueLayout.JAVA_BYTE, 63)).isEqualTo((byte) 0x5a);
            }
        }
        assertThat(iterations).isGreaterThan(1000);
        // a fuzzer whose inputs are all refused (or all accepted) explores nothing
        assertThat(accepted).as("accepted of %d", iterations).isGreaterThan(iterations / 20);
        assertThat(refused).as("refused of %d", iterations).isGreaterThan(iterations / 20);
    }

    private static void assertWithin(MemorySegment memory, MemorySegment slice) {
        long from = slice.address() - memory.address();
        assertThat(from).isBetween(0L, memory.byteSize());
        assertThat(from + slice.byteSize()).isLessThanOrEqualTo(memory.byteSize());
    }
}
