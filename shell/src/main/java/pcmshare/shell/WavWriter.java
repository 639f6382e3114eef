package pcmshare.shell;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import pcmshare.core.api.pcm.SampleFormat;

/**
 * A WAV file written as audio arrives, as arecord writes one: the header first,
 * then the data, and the sizes in the header set to what was written when it is
 * closed, so that a recording that stops early (Ctrl-C, a card gone) is a valid
 * file holding every frame captured until then.
 */
final class WavWriter implements AutoCloseable {
    private static final int HEADER_BYTES = 44;
    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 3;

    private final Path path;
    private final WavFormat format;
    // not a FileChannel: an interrupt (Ctrl-C) would close it under the write, losing the recording
    private final RandomAccessFile file;
    private long dataBytes;
    private boolean closed;

    WavWriter(Path path, WavFormat format) throws IOException {
        this.path = path;
        this.format = format;
        this.file = new RandomAccessFile(path.toFile(), "rw");
        file.setLength(0);
        file.write(header(0));
    }

    /** Appends whole frames. */
    void write(byte[] bytes, int length) throws IOException {
        file.write(bytes, 0, length);
        dataBytes += length;
    }

    long frames() {
        return dataBytes / format.frameBytes();
    }

    Path path() {
        return path;
    }

    /** Sets the header's sizes to the data written and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (file) {
            file.seek(0);
            file.write(header(dataBytes));
            file.getFD().sync();
        }
    }

    private byte[] header(long data) {
        SampleFormat f = format.format();
        int width = f.physicalWidth();
        int blockAlign = format.frameBytes();
        boolean floating = f == SampleFormat.FLOAT_LE || f == SampleFormat.FLOAT64_LE;
        // a RIFF size is 32 bits: a longer recording says the most it can, as arecord does
        long riff = Math.min(0xFFFF_FFFFL, HEADER_BYTES - 8 + data);
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) riff)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) (floating ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM))
                .putShort((short) format.channels()).putInt(format.rate())
                .putInt(format.rate() * blockAlign).putShort((short) blockAlign).putShort((short) width)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) Math.min(0xFFFF_FFFFL, data));
        return b.array();
    }
}
