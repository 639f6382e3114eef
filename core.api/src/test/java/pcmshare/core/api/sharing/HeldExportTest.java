package pcmshare.core.api.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

class HeldExportTest {
    private final Object exporter = new Object();
    private final AtomicInteger releases = new AtomicInteger();

    private final class Thing extends HeldExport {
        Thing() {
            super(exporter, "test", 7, 4096);
        }

        @Override
        protected String name() {
            return "thing";
        }

        @Override
        protected void released() {
            releases.incrementAndGet();
        }

        String use(SharedHandle h) {
            return whileOpen(h, "use", () -> "used");
        }
    }

    @Test
    void lastHandleClosed_releasesExactlyOnce() {
        Thing thing = new Thing();
        SharedHandle first = thing.open("server");
        SharedHandle second = first.share("client");
        assertThat(first.refCount()).isEqualTo(2);
        assertThat(thing.info().holders()).containsExactly("server", "client");

        first.close();
        first.close();
        assertThat(releases).hasValue(0);
        second.close();
        second.close();
        assertThat(releases).hasValue(1);
        assertThat(thing.refCount()).isZero();
    }

    @Test
    void closedHandle_isEBADF_forShareAndUse() {
        Thing thing = new Thing();
        SharedHandle h = thing.open("server");
        SharedHandle keep = h.share("client");
        h.close();
        assertThat(h.isOpen()).isFalse();
        assertThat(catchThrowableOfType(ErrnoException.class, () -> h.share("late")).errno()).isEqualTo(Errno.EBADF);
        ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> thing.use(h));
        assertThat(e.errno()).isEqualTo(Errno.EBADF);
        assertThat(e.operation()).isEqualTo("use");
        assertThat(thing.use(keep)).isEqualTo("used");
    }

    @Test
    void handleOfAnotherExporter_isNotFound_andItsImportIsEINVALNamingBoth() {
        Thing thing = new Thing();
        SharedHandle h = thing.open("server");
        assertThat(HeldExport.of(h, exporter)).isSameAs(thing);
        assertThat(HeldExport.of(h, new Object())).isNull();
        assertThat(HeldExport.of(null, exporter)).isNull();
        ErrnoException e = HeldExport.foreign("shmem", h);
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("'test'").contains("'shmem'");
    }

    @Test
    void releasedExport_cannotBeOpenedAgain_soItsReleaseRunsOnce() {
        Thing thing = new Thing();
        thing.open("server").close();
        assertThat(releases).hasValue(1);

        ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> thing.open("late"));
        assertThat(e).as("open after the last close").isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EBADF);
        assertThat(e).hasMessageContaining("open").hasMessageContaining("released");
        assertThat(thing.refCount()).isZero();
        assertThat(releases).hasValue(1);
    }
}
