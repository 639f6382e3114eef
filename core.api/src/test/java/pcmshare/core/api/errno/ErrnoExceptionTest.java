package pcmshare.core.api.errno;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoExceptionTest {

    @Test
    void messageNamesErrnoOperationStateDetailAndValue() {
        var e = new ErrnoException(Errno.EINVAL, "hw_params", "OPEN", 1000, "rate outside [8000, 192000]");
        assertThat(e).hasMessage("EINVAL: hw_params refused in state OPEN: rate outside [8000, 192000] (value: 1000)");
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.operation()).isEqualTo("hw_params");
        assertThat(e.state()).isEqualTo("OPEN");
        assertThat(e.value()).isEqualTo(1000);
    }

    @Test
    void messageLeavesOutWhatIsNotKnown() {
        assertThat(new ErrnoException(Errno.EBADF, "release", null))
                .hasMessage("EBADF: release refused");
    }

    @Test
    void errnoNumbersAreLinuxOnes() {
        assertThat(Errno.EPERM.code()).isEqualTo(1);
        assertThat(Errno.EAGAIN.code()).isEqualTo(11);
        assertThat(Errno.EBUSY.code()).isEqualTo(16);
        assertThat(Errno.EINVAL.code()).isEqualTo(22);
        assertThat(Errno.EPIPE.code()).isEqualTo(32);
        assertThat(Errno.EBADFD.code()).isEqualTo(77);
        assertThat(Errno.ESTRPIPE.code()).isEqualTo(86);
        assertThat(Errno.EALREADY.code()).isEqualTo(114);
        assertThat(Errno.ofCode(38)).isEqualTo(Errno.ENOSYS);
        assertThat(Errno.ofCode(9999)).isNull();
    }
}
