package pcmshare.core.api.pcm;

/** A closed interval of whole numbers, as ALSA's snd_interval with integer bounds. */
public record Range(long min, long max) {
    public Range {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
    }

    public static Range of(long min, long max) {
        return new Range(min, max);
    }

    public static Range single(long value) {
        return new Range(value, value);
    }

    public boolean contains(long v) {
        return v >= min && v <= max;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
