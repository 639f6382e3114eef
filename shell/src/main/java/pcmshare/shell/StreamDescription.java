package pcmshare.shell;

import java.lang.foreign.MemorySegment;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.shmem.ContainerFormat;

/**
 * What the demo's consumer needs to know about the captured stream, as it
 * travels in a sealed shmem container: UTF-8 lines {@code key=value}, every key
 * exactly once. The consumer configures its WAV writer from it and finds the
 * periods in the dma-buf with it.
 *
 * @param format        sample format
 * @param rate          frames per second
 * @param channels      channels per frame
 * @param toneHz        the frequency of the tone played
 * @param toneFrames    how many frames of tone are played
 * @param periodFrames  frames per period of the capture ring
 * @param bufferPeriods periods in the capture ring
 */
record StreamDescription(SampleFormat format, int rate, int channels, double toneHz, long toneFrames,
        long periodFrames, int bufferPeriods) {

    /** pcmshare's vendor code in container formats (the top 8 bits), 'p'. */
    static final int VENDOR = 0x70;
    /** The container format of a stream description, version 1. */
    static final long FORMAT = ContainerFormat.of(VENDOR, 1);

    private static final List<String> KEYS = List.of("format", "rate", "channels", "tone_hz", "tone_frames",
            "period_frames", "buffer_periods");
    /** A description is a few lines; anything longer is not one. */
    static final int MAX_BYTES = 4096;

    StreamDescription {
        if (format == null || rate <= 0 || channels <= 0 || !(toneHz > 0) || toneFrames <= 0 || periodFrames <= 0
                || bufferPeriods <= 0) {
            throw new IllegalArgumentException("not a stream description: " + format + ", " + rate + " Hz, "
                    + channels + " channels, tone " + toneHz + " Hz for " + toneFrames + " frames, periods of "
                    + periodFrames + " frames x " + bufferPeriods);
        }
    }

    int frameBytes() {
        return format.bytes() * channels;
    }

    WavFormat wavFormat() {
        return new WavFormat(format, rate, channels);
    }

    String text() {
        return "format=" + format + "\nrate=" + rate + "\nchannels=" + channels + "\ntone_hz=" + toneHz
                + "\ntone_frames=" + toneFrames + "\nperiod_frames=" + periodFrames + "\nbuffer_periods="
                + bufferPeriods + "\n";
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** The description as one line, for humans. */
    String oneLine() {
        return text().strip().replace('\n', ' ');
    }

    /**
     * Parses a payload, trusting nothing in it.
     *
     * @throws IllegalArgumentException naming the field and the value that is wrong
     */
    static StreamDescription parse(MemorySegment payload) {
        if (payload.byteSize() > MAX_BYTES) {
            throw new IllegalArgumentException("stream description: " + payload.byteSize() + " bytes, more than "
                    + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(payload.asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("stream description: not UTF-8 text");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("stream description: line '" + line + "' is not key=value");
            }
            String key = line.substring(0, eq);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("stream description: unknown field '" + key + "'; known: " + KEYS.stream().sorted().toList());
            }
            if (fields.put(key, line.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("stream description: field '" + key + "' given twice");
            }
        }
        for (String k : KEYS) {
            if (!fields.containsKey(k)) {
                throw new IllegalArgumentException("stream description: field '" + k + "' is missing");
            }
        }
        SampleFormat format;
        try {
            format = SampleFormat.valueOf(fields.get("format"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stream description: format '" + fields.get("format")
                    + "' is not a sample format");
        }
        try {
            return new StreamDescription(format, Integer.parseInt(fields.get("rate")),
                    Integer.parseInt(fields.get("channels")), Double.parseDouble(fields.get("tone_hz")),
                    Long.parseLong(fields.get("tone_frames")), Long.parseLong(fields.get("period_frames")),
                    Integer.parseInt(fields.get("buffer_periods")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stream description: a number is malformed: " + e.getMessage());
        }
    }

    /** The payload as a segment, for {@code SealedContainers.writeGeneric}. */
    MemorySegment payload() {
        return MemorySegment.ofArray(bytes());
    }
}
