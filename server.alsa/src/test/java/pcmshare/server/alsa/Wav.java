package pcmshare.server.alsa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** RIFF WAVE files of PCM samples, to feed programs and to read what they recorded. */
final class Wav {

    private Wav() {
    }

    /** Seeded noise, never a zero frame at the start, so that a recording can be lined up with it. */
    static byte[] noise(long seed, int frames, int frameBytes) {
        byte[] b = new byte[frames * frameBytes];
        new Random(seed).nextBytes(b);
        b[0] = (byte) (b[0] | 1);
        return b;
    }

    static void write(Path file, int bits, int rate, int channels, byte[] data) {
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        int frameBytes = bits / 8 * channels;
        h.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
        h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * frameBytes).putShort((short) frameBytes).putShort((short) bits);
        h.put("data".getBytes()).putInt(data.length);
        try {
            byte[] all = Arrays.copyOf(h.array(), 44 + data.length);
            System.arraycopy(data, 0, all, 44, data.length);
            Files.write(file, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The samples of a WAV's data chunk (up to the end of the file if the header's size is short). */
    static byte[] data(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            b.position(12);
            while (b.remaining() >= 8) {
                byte[] id = new byte[4];
                b.get(id);
                int size = b.getInt();
                if (new String(id).equals("data")) {
                    int n = Math.min(b.remaining(), size < 0 ? Integer.MAX_VALUE : size);
                    byte[] d = new byte[n];
                    b.get(d);
                    return d;
                }
                b.position(b.position() + size + (size & 1));
            }
            throw new AssertionError(file + " has no data chunk");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@code played} starts in {@code recorded}: after the leading silence, in whole frames. */
    static int lead(byte[] recorded, int frameBytes) {
        int i = 0;
        while (i < recorded.length && recorded[i] == 0) {
            i++;
        }
        return i / frameBytes * frameBytes;
    }
}
