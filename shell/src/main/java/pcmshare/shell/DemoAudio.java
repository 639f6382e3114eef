package pcmshare.shell;

import java.util.Arrays;

/**
 * The demo's audio: the tone the client plays, and the comparison of what was
 * recorded with what was played.
 */
final class DemoAudio {
    /** A quarter of full scale (-12 dBFS), as pcm:play's tone. */
    static final double AMPLITUDE = 0.25;

    private DemoAudio() {
    }

    /** {@code frames} frames of a sine tone in S16_LE, the same sample on every channel, from frame 0. */
    static byte[] toneS16(double hz, int rate, int channels, int frames) {
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(frames, channels), 2)];
        int at = 0;
        for (int n = 0; n < frames; n++) {
            short v = (short) Math.round(Math.sin(2 * Math.PI * hz * n / rate) * AMPLITUDE * Short.MAX_VALUE);
            for (int c = 0; c < channels; c++) {
                out[at++] = (byte) v;
                out[at++] = (byte) (v >> 8);
            }
        }
        return out;
    }

    /** The first frame with a byte that is not 0 (the silence of signed formats), or -1. */
    static long firstSoundingFrame(byte[] audio, int frameBytes) {
        for (int i = 0; i < audio.length; i++) {
            if (audio[i] != 0) {
                return i / frameBytes;
            }
        }
        return -1;
    }

    /**
     * How the recording compares with what was played.
     *
     * @param leadingFrames frames of the recording before the first played frame (its leading silence)
     * @param firstDiffering the first played frame that the recording does not hold bit-exactly, or -1
     * @param recordedFrames frames in the recording
     * @param problem       why they are not equal, or null when they are
     */
    record Match(long leadingFrames, long firstDiffering, long recordedFrames, String problem) {
        boolean exact() {
            return problem == null;
        }
    }

    /**
     * Compares a recording with the stream played, allowing for the silence the
     * recording starts with before the first played frame reaches it: both are
     * aligned on their first sounding frame, and then every played frame, all of
     * them, must be in the recording, byte for byte.
     */
    static Match compare(byte[] played, byte[] recorded, int frameBytes) {
        long playedFrames = played.length / frameBytes;
        long recordedFrames = recorded.length / frameBytes;
        long p0 = firstSoundingFrame(played, frameBytes);
        if (p0 < 0) {
            return new Match(-1, 0, recordedFrames, "the played stream is all silence: nothing to align on");
        }
        long r0 = firstSoundingFrame(recorded, frameBytes);
        if (r0 < 0) {
            return new Match(-1, 0, recordedFrames, "the recording is all silence (" + recordedFrames + " frames)");
        }
        long lead = r0 - p0;
        if (lead < 0) {
            return new Match(lead, 0, recordedFrames, "the recording starts " + -lead
                    + " frames into the played stream: its beginning is missing");
        }
        long have = Math.max(0, Math.min(playedFrames, recordedFrames - lead));
        int from = Math.toIntExact(lead * frameBytes);
        int mismatch = Arrays.mismatch(played, 0, Math.toIntExact(have * frameBytes), recorded, from,
                Math.toIntExact(from + have * frameBytes));
        if (mismatch >= 0) {
            long f = mismatch / frameBytes;
            return new Match(lead, f, recordedFrames, "played frame " + f + " differs from recorded frame "
                    + (lead + f));
        }
        if (have < playedFrames) {
            return new Match(lead, have, recordedFrames, "the recording ends after " + have + " of the "
                    + playedFrames + " played frames");
        }
        return new Match(lead, -1, recordedFrames, null);
    }
}
