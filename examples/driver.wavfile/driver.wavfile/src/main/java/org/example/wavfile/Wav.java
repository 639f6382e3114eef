package org.example.wavfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

import pcmshare.core.api.pcm.SampleFormat;

/**
 * The RIFF/WAVE container, as much as a card needs: a 44-byte PCM header written
 * first and completed when the file is finished, and a reader that finds the
 * "fmt " and "data" chunks of any PCM WAV file.
 */
final class Wav {
    static final int HEADER_BYTES = 44;
    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

    private Wav() {
    }

    /** The bits per sample a WAV file stores for {@code f}, or 0 when WAV has no integer PCM layout for it. */
    static int bits(SampleFormat f) {
        return switch (f) {
            case U8 -> 8;
            case S16_LE -> 16;
            case S24_3LE -> 24;
            case S32_LE -> 32;
            default -> 0;
        };
    }

    /** Writes a header for {@code dataBytes} of data at the start of {@code ch} (placeholder sizes while recording). */
    static void writeHeader(FileChannel ch, SampleFormat f, int channels, int rate, long dataBytes) throws IOException {
        int bits = bits(f);
        int blockAlign = channels * bits / 8;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) Math.min(0xFFFF_FFFFL, 36 + dataBytes));
        b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(16);
        b.putShort((short) WAVE_FORMAT_PCM);
        b.putShort((short) channels);
        b.putInt(rate);
        b.putInt(rate * blockAlign);
        b.putShort((short) blockAlign);
        b.putShort((short) bits);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) Math.min(0xFFFF_FFFFL, dataBytes));
        b.flip();
        ch.write(b, 0);
    }

    /** Where the samples of a PCM WAV file are, and what they are. */
    record Layout(int channels, int rate, int bits, long dataOffset, long dataBytes) {
        boolean matches(SampleFormat f, int channels, int rate) {
            return Wav.bits(f) == bits && this.channels == channels && this.rate == rate;
        }
    }

    /** Reads the layout of a PCM WAV file, or null when it is not one. */
    static Layout read(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        if (ch.read(head, 0) < 12 || !tag(head, 0, "RIFF") || !tag(head, 8, "WAVE")) {
            return null;
        }
        long pos = 12;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        ByteBuffer chunk = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        while (pos + 8 <= ch.size()) {
            chunk.clear();
            ch.read(chunk, pos);
            long size = Integer.toUnsignedLong(chunk.getInt(4));
            if (tag(chunk, 0, "fmt ") && size >= 16) {
                int format = Short.toUnsignedInt(chunk.getShort(8));
                if (format != WAVE_FORMAT_PCM && format != WAVE_FORMAT_EXTENSIBLE) {
                    return null;
                }
                channels = Short.toUnsignedInt(chunk.getShort(10));
                rate = chunk.getInt(12);
                bits = Short.toUnsignedInt(chunk.getShort(22));
            } else if (tag(chunk, 0, "data")) {
                long available = ch.size() - (pos + 8);
                // a file still being written says 0 (or the 32-bit maximum) until it is finished
                long bytes = size == 0 || size > available ? available : size;
                return channels == 0 ? null : new Layout(channels, rate, bits, pos + 8, bytes);
            }
            pos += 8 + size + (size & 1);
        }
        return null;
    }

    private static boolean tag(ByteBuffer b, int at, String tag) {
        for (int i = 0; i < 4; i++) {
            if (b.get(at + i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
