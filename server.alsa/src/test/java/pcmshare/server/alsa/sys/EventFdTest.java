package pcmshare.server.alsa.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;

class EventFdTest {

    /** poll(2) revents of {@code fd} for POLLIN|POLLOUT, without waiting. */
    private static int revents(int fd) {
        short[] revents = new short[1];
        Poll.poll(new int[] {fd}, new short[] {(short) (Poll.POLLIN | Poll.POLLOUT)}, revents, 0);
        return revents[0];
    }

    @Test
    void aNewCounterIsWritableOnlyAndNonBlockingAndCloseOnExec() {
        try (EventFd e = EventFd.create()) {
            assertThat(revents(e.fd())).isEqualTo(Poll.POLLOUT);
            assertThat(Fds.isCloseOnExec(e.fd())).isTrue();
            assertThat(e.take()).as("read of a zero counter is EAGAIN, reported as 0").isZero();
        }
    }

    @Test
    void addAndTakeMoveTheKernelCounter() {
        try (EventFd e = EventFd.create()) {
            e.add(3);
            e.add(4);
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(7);
            assertThat(e.take()).isEqualTo(7);
            assertThat(Proc.eventfdCount(e.fd())).isZero();
        }
    }

    @Test
    void aCounterAboveTheMaximumIsEagainAndAllOnesIsEinval() {
        try (EventFd e = EventFd.create()) {
            e.add(EventFd.MAX_COUNT);
            assertThatThrownBy(() -> e.add(1)).isInstanceOfSatisfying(SyscallException.class, x -> {
                assertThat(x.errno()).isEqualTo(Errno.EAGAIN);
                assertThat(x.getMessage()).contains("0xfffffffffffffffe");
            });
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(EventFd.MAX_COUNT);
            e.take();
            assertThatThrownBy(() -> e.add(-1L)).isInstanceOfSatisfying(SyscallException.class,
                    x -> assertThat(x.errno()).isEqualTo(Errno.EINVAL));
        }
    }

    @Test
    void pollInReadinessFollowsSetPollIn() {
        try (EventFd e = EventFd.create()) {
            e.setPollIn(true);
            assertThat(revents(e.fd()) & Poll.POLLIN).isEqualTo(Poll.POLLIN);
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(1);
            e.setPollIn(true); // stays at 1, does not accumulate
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(1);
            e.setPollIn(false);
            assertThat(revents(e.fd()) & Poll.POLLIN).isZero();
            assertThat(Proc.eventfdCount(e.fd())).isZero();
        }
    }

    @Test
    void pollOutReadinessFollowsSetPollOut() {
        try (EventFd e = EventFd.create()) {
            e.setPollOut(false);
            int r = revents(e.fd());
            assertThat(r & Poll.POLLOUT).as(Poll.describe(r)).isZero();
            assertThat(r & Poll.POLLIN).as("the full counter is also readable").isEqualTo(Poll.POLLIN);
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(EventFd.MAX_COUNT);
            e.setPollOut(false); // idempotent: no EAGAIN
            e.setPollOut(true);
            assertThat(revents(e.fd())).isEqualTo(Poll.POLLOUT);
        }
    }

    @Test
    void switchingBetweenPollInAndPollOutStatesLandsOnTheRightCount() {
        try (EventFd e = EventFd.create()) {
            e.setPollIn(true);
            e.setPollOut(false); // from 1 straight to the maximum with one write
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(EventFd.MAX_COUNT);
            assertThat(revents(e.fd()) & Poll.POLLOUT).isZero();
            e.setPollIn(true);
            assertThat(Proc.eventfdCount(e.fd())).isEqualTo(1);
            assertThat(revents(e.fd())).isEqualTo(Poll.POLLIN | Poll.POLLOUT);
        }
    }

    @Test
    void setPollOutRecoversWhenSomeoneElseWroteTheCounter() {
        try (EventFd e = EventFd.create()) {
            int dup = Fds.dup(e.fd());
            try {
                // a second writer through a duplicate: this object's idea of the count is stale
                MemorySegments.writeLong(dup, 5);
                e.setPollOut(false);
                assertThat(Proc.eventfdCount(e.fd())).isEqualTo(EventFd.MAX_COUNT);
            } finally {
                Fds.close(dup);
            }
        }
    }

    @Test
    void closeIsIdempotentAndLaterUseIsEbadf() {
        EventFd e = EventFd.create();
        int fd = e.fd();
        e.close();
        e.close();
        assertThat(Fds.isOpen(fd)).isFalse();
        assertThatThrownBy(() -> e.add(1)).isInstanceOfSatisfying(SyscallException.class,
                x -> assertThat(x.errno()).isEqualTo(Errno.EBADF));
    }
}
