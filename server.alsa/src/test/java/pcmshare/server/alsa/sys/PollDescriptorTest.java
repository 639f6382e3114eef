package pcmshare.server.alsa.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The client's poll descriptor: ready exactly as the server sets it, and awake once
 * the server's copies are gone (what a killed server leaves), so that a client
 * blocked in poll() learns it instead of waiting forever.
 */
class PollDescriptorTest {

    @Test
    void playback_pollOutExactlyWhileReady_andPollErrOnceTheServerIsGone() {
        PollDescriptor p = PollDescriptor.forPlayback();
        int client = Fds.dup(p.fd()); // what SCM_RIGHTS gives the client
        try {
            assertThat(revents(client, Poll.POLLOUT)).as("new: not ready").isZero();
            p.setReady(true);
            assertThat(revents(client, Poll.POLLOUT)).isEqualTo(Poll.POLLOUT);
            p.setReady(true);
            assertThat(revents(client, Poll.POLLOUT)).as("twice ready is ready").isEqualTo(Poll.POLLOUT);
            p.setReady(false);
            assertThat(revents(client, Poll.POLLOUT)).isZero();
            p.close();
            assertThat(revents(client, Poll.POLLOUT) & Poll.POLLERR).as("server gone: pipe_poll's POLLERR")
                    .isEqualTo(Poll.POLLERR);
        } finally {
            Fds.close(client);
        }
    }

    @Test
    void capture_pollInExactlyWhileReady_andPollInHupOnceTheServerIsGone() {
        PollDescriptor p = PollDescriptor.forCapture();
        int client = Fds.dup(p.fd());
        try {
            assertThat(revents(client, Poll.POLLIN)).as("new: not ready").isZero();
            p.setReady(true);
            assertThat(revents(client, Poll.POLLIN)).isEqualTo(Poll.POLLIN);
            p.setReady(false);
            assertThat(revents(client, Poll.POLLIN)).isZero();
            p.close();
            int r = revents(client, Poll.POLLIN);
            assertThat(r & Poll.POLLIN).as("server gone: %s", Poll.describe(r)).isEqualTo(Poll.POLLIN);
            assertThat(r & Poll.POLLHUP).isEqualTo(Poll.POLLHUP);
        } finally {
            Fds.close(client);
        }
    }

    @Test
    void closingTwice_andSettingAfterClose_doNothing() {
        PollDescriptor p = PollDescriptor.forPlayback();
        p.close();
        p.close();
        p.setReady(true);
        assertThat(p.toString()).contains("closed");
    }

    private static int revents(int fd, int events) {
        short[] r = new short[1];
        Poll.poll(new int[] {fd}, new short[] {(short) events}, r, 0);
        return r[0] & 0xffff;
    }
}
