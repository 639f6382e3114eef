package pcmshare.server.alsa.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;

class PollAndFdsTest {

    @Test
    void pollWaitsForTheTimeoutWhenNothingIsReady() {
        try (EventFd e = EventFd.create()) {
            Poll p = new Poll(1).set(0, e.fd(), Poll.POLLIN);
            long t0 = System.nanoTime();
            assertThat(p.poll(60)).isZero();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(55));
            assertThat(p.revents(0)).isZero();
        }
    }

    @Test
    void pollReportsEachDescriptorAndNvalForAClosedOne() {
        try (EventFd a = EventFd.create(); EventFd b = EventFd.create()) {
            EventFd c = EventFd.create();
            int closed = c.fd();
            c.close();
            b.add(1);
            Poll p = new Poll(4).set(0, a.fd(), Poll.POLLIN).set(1, b.fd(), Poll.POLLIN)
                    .set(2, closed, Poll.POLLIN).set(3, -1, Poll.POLLIN);
            assertThat(p.poll(1000)).isEqualTo(2);
            assertThat(p.revents(0)).isZero();
            assertThat(p.revents(1)).isEqualTo(Poll.POLLIN);
            assertThat(p.revents(2)).as("closed fd").isEqualTo(Poll.POLLNVAL);
            assertThat(p.revents(3)).as("negative fd is skipped").isZero();
            assertThat(Poll.describe(Poll.POLLIN | Poll.POLLHUP | Poll.POLLRDHUP)).isEqualTo("POLLIN|POLLHUP|POLLRDHUP");
        }
    }

    @Test
    void aPollWakesWhenAnotherThreadAddsToAnEventFd() throws Exception {
        try (EventFd e = EventFd.create()) {
            Thread t = Thread.ofPlatform().start(() -> {
                sleep(50);
                e.add(1);
            });
            short[] rev = new short[1];
            assertThat(Poll.poll(new int[] {e.fd()}, new short[] {Poll.POLLIN}, rev, 5000)).isEqualTo(1);
            assertThat(rev[0]).isEqualTo((short) Poll.POLLIN);
            t.join();
        }
    }

    @Test
    void dupIsCloseOnExecAndCountedAndClosed() {
        try (EventFd e = EventFd.create()) {
            int before = Fds.openFdCount();
            int d = Fds.dup(e.fd());
            assertThat(d).isNotEqualTo(e.fd());
            assertThat(Fds.isCloseOnExec(d)).isTrue();
            assertThat(Fds.openFdCount()).isEqualTo(before + 1);
            e.add(2);
            assertThat(MemorySegments.readLong(d)).as("the duplicate shares the counter").isEqualTo(2);
            Fds.close(d);
            assertThat(Fds.isOpen(d)).isFalse();
            assertThat(Fds.openFdCount()).isEqualTo(before);
        }
    }

    @Test
    void closingABadDescriptorIsEbadf() {
        EventFd e = EventFd.create();
        int fd = e.fd();
        e.close();
        assertThatThrownBy(() -> Fds.close(fd)).isInstanceOfSatisfying(SyscallException.class, x -> {
            assertThat(x.errno()).isEqualTo(Errno.EBADF);
            assertThat(x.code()).isEqualTo(9);
            assertThat(x.name()).isEqualTo("EBADF");
            assertThat(x.operation()).isEqualTo("close");
        });
    }

    @Test
    void openFdCountMatchesTheKernelsListing() throws Exception {
        int count = Fds.openFdCount();
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            assertThat(s.count() - 1).isEqualTo(count);
        }
    }

    @Test
    void procCommNamesAnotherProcessAndSaysQuestionMarkForNone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(Fds.procComm((int) sleep.pid())).isEqualTo("sleep");
        } finally {
            sleep.destroy();
            sleep.waitFor();
        }
        assertThat(Fds.procComm(Integer.MAX_VALUE)).isEqualTo("?");
        assertThat(Fds.procMaps(Integer.MAX_VALUE)).isEmpty();
        assertThat(Fds.procMaps(Proc.pid())).anyMatch(l -> l.contains("libc"));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
