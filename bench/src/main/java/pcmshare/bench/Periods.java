package pcmshare.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The periods a handoff moves and the proof that they arrived. Every contender of
 * {@link HandoffBenchmark} sends the same content and checks it the same way, so
 * that none can score by moving less.
 *
 * <p>Period {@code seq} is one of a few random source periods, with {@code seq}
 * stamped in its first eight bytes and {@code ~seq} in its last eight. The
 * receiver checks both stamps of every period (the periods arrive whole and in
 * order), the CRC32C of the bytes between them for every
 * {@value #CRC_EVERY}th period (what arrived is what was sent), and folds both
 * into a checksum that {@link #verify} compares with the sender's at the end.
 */
final class Periods {
    static final int SOURCES = 8;
    static final int CRC_EVERY = 16;
    private static final ValueLayout.OfLong STAMP = ValueLayout.JAVA_LONG_UNALIGNED;

    final int periodBytes;
    private final MemorySegment[] sources = new MemorySegment[SOURCES];
    private final int[] sourceCrc = new int[SOURCES];
    final Sender sender = new Sender();
    final Receiver receiver;

    Periods(Arena arena, int periodBytes) {
        if (periodBytes < 32 || periodBytes % 8 != 0) {
            throw new IllegalArgumentException("period of " + periodBytes + " bytes");
        }
        this.periodBytes = periodBytes;
        SplittableRandom random = new SplittableRandom(periodBytes);
        CRC32C crc = new CRC32C();
        for (int k = 0; k < SOURCES; k++) {
            MemorySegment s = arena.allocate(periodBytes, 64);
            for (long i = 0; i < periodBytes; i += 8) {
                s.set(STAMP, i, random.nextLong());
            }
            sources[k] = s;
            crc.reset();
            crc.update(s.asSlice(8, periodBytes - 16).asByteBuffer());
            sourceCrc[k] = (int) crc.getValue();
        }
        receiver = new Receiver(arena.allocate(periodBytes, 64));
    }

    private static long mix(long checksum, long head, long tail, int crc) {
        return (checksum ^ head ^ Long.rotateLeft(tail, 21) ^ ((long) crc << 32)) * 0x9E3779B97F4A7C15L;
    }

    /** The producer's side: writes the next period and remembers what it sent. */
    final class Sender {
        long sent;
        long checksum;

        /** Writes the next period at {@code offset} of {@code dst}. */
        void fill(MemorySegment dst, long offset) {
            long seq = sent;
            MemorySegment.copy(sources[(int) (seq & (SOURCES - 1))], 0, dst, offset, periodBytes);
            dst.set(STAMP, offset, seq);
            dst.set(STAMP, offset + periodBytes - 8, ~seq);
            checksum = mix(checksum, seq, ~seq, seq % CRC_EVERY == 0 ? sourceCrc[(int) (seq & (SOURCES - 1))] : 0);
            sent = seq + 1;
        }
    }

    /** The consumer's side: checks every period as it arrives; runs on the consumer thread. */
    final class Receiver {
        final MemorySegment dst;
        private final ByteBuffer middle;
        private final CRC32C crc = new CRC32C();
        volatile long received;
        private long checksum;
        private volatile RuntimeException failure;

        Receiver(MemorySegment dst) {
            this.dst = dst;
            this.middle = dst.asByteBuffer();
        }

        /** Copies the period at {@code offset} of {@code src} out to the consumer's memory and checks it. */
        void take(MemorySegment src, long offset) {
            MemorySegment.copy(src, offset, dst, 0, periodBytes);
            check(dst, 0);
        }

        /** Checks the period at {@code offset} of {@code seg}: in place, nothing copied. */
        void check(MemorySegment seg, long offset) {
            long seq = received;
            long head = seg.get(STAMP, offset);
            long tail = seg.get(STAMP, offset + periodBytes - 8);
            int sum = 0;
            if (head != seq || tail != ~seq) {
                fail("period " + seq + " arrived stamped " + head + "/" + ~tail);
            }
            if (seq % CRC_EVERY == 0) {
                ByteBuffer m = seg == dst && offset == 0 ? middle : seg.asSlice(offset, periodBytes).asByteBuffer();
                m.limit(periodBytes - 8).position(8);
                crc.reset();
                crc.update(m);
                sum = (int) crc.getValue();
                if (sum != sourceCrc[(int) (seq & (SOURCES - 1))]) {
                    fail("period " + seq + " arrived with other bytes than were sent (CRC32C)");
                }
            }
            checksum = mix(checksum, head, tail, sum);
            received = seq + 1;
        }

        void fail(String why) {
            RuntimeException e = new IllegalStateException(why);
            failure = e;
            throw e;
        }

        /** Records what stopped the consumer thread, unless a check already did. */
        void failWith(Throwable t) {
            if (failure == null) {
                failure = new IllegalStateException(t.toString(), t);
            }
        }

        /** Throws what went wrong on the consumer thread, if anything did. */
        void rethrow() {
            RuntimeException e = failure;
            if (e != null) {
                throw new IllegalStateException("the consumer failed: " + e.getMessage(), e);
            }
        }
    }

    /** Waits, from the producer thread, until everything sent has arrived, then compares the checksums. */
    void verify(String contender) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.received < sender.sent) {
            receiver.rethrow();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(contender + ": " + receiver.received + " of " + sender.sent
                        + " periods arrived within 10 s");
            }
            Thread.sleep(1);
        }
        receiver.rethrow();
        if (receiver.received != sender.sent || receiver.checksum != sender.checksum) {
            throw new IllegalStateException(contender + ": received " + receiver.received + " periods, checksum "
                    + Long.toHexString(receiver.checksum) + "; sent " + sender.sent + ", checksum "
                    + Long.toHexString(sender.checksum));
        }
        if (sender.sent == 0) {
            throw new IllegalStateException(contender + ": nothing was sent");
        }
    }

    /** Spin briefly, then give the core away: the same back-off for every contender. */
    static int idle(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }
}
