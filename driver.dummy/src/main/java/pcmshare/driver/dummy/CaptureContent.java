package pcmshare.driver.dummy;

/** What a dummy card's capture substreams record. */
public enum CaptureContent {
    /** The format's silence (0x80 for U8, zero otherwise). */
    SILENCE,
    /** A sine of {@code sineFrequency} Hz at {@code sineAmplitude} of full scale, the same on every channel. */
    SINE,
    /**
     * A counting pattern for bit-exact tests: sample {@code c} of frame {@code n}
     * (counted from prepare) holds {@code n * channels + c} as an unsigned integer
     * of the sample's width, in the format's byte order (24-bit formats keep the
     * low 24 bits; floating-point formats hold the integer's bits).
     */
    COUNTING
}
