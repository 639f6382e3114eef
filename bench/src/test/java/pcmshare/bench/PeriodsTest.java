package pcmshare.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The handoff's proof of delivery: what a contender that cuts corners runs into. */
class PeriodsTest {
    private static final int SIZE = 512;

    @Test
    @DisplayName("periods handed over whole and in order verify")
    void wholePeriodsInOrder_verify() throws InterruptedException {
        try (Arena arena = Arena.ofConfined()) {
            Periods p = new Periods(arena, SIZE);
            MemorySegment ring = arena.allocate(4L * SIZE);
            for (int i = 0; i < 100; i++) {
                long at = (i % 4) * (long) SIZE;
                p.sender.fill(ring, at);
                p.receiver.take(ring, at);
            }
            assertThatCode(() -> p.verify("test")).doesNotThrowAnyException();
        }
    }

    @Test
    @DisplayName("a lost period fails at the next arrival")
    void lostPeriod_fails() {
        try (Arena arena = Arena.ofConfined()) {
            Periods p = new Periods(arena, SIZE);
            MemorySegment slot = arena.allocate(SIZE);
            p.sender.fill(slot, 0);
            p.sender.fill(slot, 0); // the first one was overwritten before it was taken
            assertThatThrownBy(() -> p.receiver.take(slot, 0)).hasMessageContaining("period 0 arrived stamped 1");
        }
    }

    @Test
    @DisplayName("a period whose middle was not moved fails its CRC")
    void unmovedMiddle_failsCrc() {
        try (Arena arena = Arena.ofConfined()) {
            Periods p = new Periods(arena, SIZE);
            MemorySegment slot = arena.allocate(SIZE);
            p.sender.fill(slot, 0);
            // only the stamps travel: a copy that skips the payload
            MemorySegment cheat = arena.allocate(SIZE);
            cheat.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, slot.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            cheat.set(ValueLayout.JAVA_LONG_UNALIGNED, SIZE - 8, slot.get(ValueLayout.JAVA_LONG_UNALIGNED, SIZE - 8));
            assertThatThrownBy(() -> p.receiver.take(cheat, 0)).hasMessageContaining("CRC32C");
        }
    }

    @Test
    @DisplayName("periods sent but never taken fail the verification")
    void sentNotTaken_failsVerify() {
        try (Arena arena = Arena.ofConfined()) {
            Periods p = new Periods(arena, SIZE);
            MemorySegment slot = arena.allocate(SIZE);
            p.sender.fill(slot, 0);
            p.receiver.take(slot, 0);
            p.sender.fill(slot, 0);
            p.receiver.received = 2; // a consumer that counts without taking
            assertThatThrownBy(() -> p.verify("test")).hasMessageContaining("checksum");
        }
    }
}
