package pcmshare.bench.alsa;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** A WAV file of 48 kHz stereo S16_LE: a quiet 440 Hz tone, what aplay plays in the benchmark. */
final class WavFile {
    static final int RATE = 48_000;
    static final int CHANNELS = 2;
    static final int FRAME_BYTES = 4;

    private WavFile() {
    }

    static void write(Path file, double seconds) throws IOException {
        int frames = (int) Math.round(seconds * RATE);
        int data = frames * FRAME_BYTES;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
        h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) CHANNELS).putInt(RATE)
                .putInt(RATE * FRAME_BYTES).putShort((short) FRAME_BYTES).putShort((short) 16);
        h.put("data".getBytes()).putInt(data);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(h.array());
            ByteBuffer f = ByteBuffer.allocate(FRAME_BYTES * 4800).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < frames; i++) {
                short s = (short) (3000 * Math.sin(2 * Math.PI * 440 * i / RATE));
                f.putShort(s).putShort(s);
                if (!f.hasRemaining()) {
                    out.write(f.array(), 0, f.position());
                    f.clear();
                }
            }
            out.write(f.array(), 0, f.position());
        }
    }
}
