package pcmshare.sharing.shmem;

import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.sharing.SharedHandle;

class ShmemExporterTest {
    private static final long FORMAT = ContainerFormat.of(0x08, 0x42);

    private static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private static ErrnoException refused(Runnable r) {
        try {
            r.run();
        } catch (ErrnoException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    /** A handle some other backend made. */
    private record ForeignHandle(String type) implements SharedHandle {
        public long id() { return 1; }
        public long byteSize() { return 0; }
        public String holder() { return "someone"; }
        public int refCount() { return 1; }
        public boolean isOpen() { return true; }
        public SharedHandle share(String holder) { return this; }
        public void close() { }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("export: memory lives until the last holder closes, whatever the writer and the exporter do")
    void export_outlivesWriterAndExporter(String impl, MemfdFactory f) {
        ShmemExporter exporter = new ShmemExporter();
        assertThat(exporter.type()).isEqualTo("shmem").isEqualTo(ShmemExporter.TYPE);
        Memfd written = new ContainerWriter(f).generic("hdr", FORMAT, text("payload"));
        SharedHandle writerHandle = exporter.export(written, "driver.v4l2");
        SharedHandle readerHandle = writerHandle.share("driver.drm");
        assertThat(readerHandle.refCount()).isEqualTo(2);
        assertThat(exporter.exports()).singleElement().satisfies(info -> {
            assertThat(info.type()).isEqualTo("shmem");
            assertThat(info.byteSize()).isEqualTo(ContainerLayout.genericSize(7));
            assertThat(info.refCount()).isEqualTo(2);
            assertThat(info.holders()).containsExactly("driver.v4l2", "driver.drm");
        });

        Memfd imported = exporter.importHandle(readerHandle);
        assertThat(imported.access()).isEqualTo(Access.READ_ONLY);
        ValidatedContainer c = new ContainerReader().read(imported);

        // the writer lets go of everything and its bundle stops
        written.close();
        writerHandle.close();
        writerHandle.close();
        exporter.deactivate();
        assertThat(refused(() -> exporter.importHandle(readerHandle)).errno()).isEqualTo(Errno.ENODEV);
        assertThat(refused(() -> exporter.export(imported, "late")).errno()).isEqualTo(Errno.ENODEV);

        assertThat(c.inPlace()).isTrue();
        assertThat(new String(c.payload().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8))
                .isEqualTo("payload");
        assertThat(exporter.exports()).singleElement().satisfies(info -> assertThat(info.holders())
                .containsExactly("driver.drm"));
        readerHandle.close();
        assertThat(readerHandle.isOpen()).isFalse();
        assertThat(exporter.exports()).isEmpty();
        // the importer's own handle and mapping are still its to close
        assertThat(c.payload().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 'p');
        c.close();
        imported.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("export: unsealed memory and invalid containers are refused with EINVAL")
    void export_refusesUnsealedAndInvalid(String impl, MemfdFactory f) {
        ShmemExporter exporter = new ShmemExporter();
        try (Memfd plain = f.create("plain", MemfdFactory.MFD_ALLOW_SEALING)) {
            plain.resize(64);
            ErrnoException e = refused(() -> exporter.export(plain, "x"));
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("seals");
            plain.write(8, MemorySegment.ofArray(new byte[] { 100 })); // size 100 > 52 bytes of payload room
            plain.addSeals(ContainerWriter.SEALS);
            assertThat(refused(() -> exporter.export(plain, "x")).getMessage()).contains("size");
        }
        assertThat(exporter.exports()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pcmshare.sharing.shmem.Implementations#factories")
    @DisplayName("import: a handle another exporter made is refused with EINVAL naming both types; a closed one with EBADF")
    void import_checksOrigin(String impl, MemfdFactory f) {
        ShmemExporter exporter = new ShmemExporter();
        ErrnoException foreign = refused(() -> exporter.importHandle(new ForeignHandle("dmabuf")));
        assertThat(foreign.errno()).isEqualTo(Errno.EINVAL);
        assertThat(foreign.getMessage()).contains("'dmabuf'").contains("'shmem'");

        ShmemExporter other = new ShmemExporter();
        try (Memfd written = new ContainerWriter(f).generic("x", FORMAT, text("x"));
                SharedHandle h = other.export(written, "a")) {
            assertThat(refused(() -> exporter.importHandle(h)).errno()).isEqualTo(Errno.EINVAL);
            h.close();
            assertThat(refused(() -> other.importHandle(h)).errno()).isEqualTo(Errno.EBADF);
            assertThat(refused(() -> h.share("b")).errno()).isEqualTo(Errno.EBADF);
        }
    }
}
