package pcmshare.core.api.pcm.hw;

/**
 * One clock of a card that makes rates by division, as the kernel's
 * {@code struct snd_ratnum}: the rates {@code num / den} for every
 * {@code den} from {@code denMin} to {@code denMax} in steps of
 * {@code denStep} (e.g. a 12.288 MHz clock over 256-frame divisors).
 */
public record Ratnum(long num, long denMin, long denMax, long denStep) {
    public Ratnum {
        if (num <= 0 || num > Interval.UINT_MAX || denMin <= 0 || denMin > denMax || denMax > Interval.UINT_MAX
                || denStep <= 0 || denStep > Interval.UINT_MAX) {
            throw new IllegalArgumentException("a ratnum needs 0 < num, 0 < denMin <= denMax and 0 < denStep, "
                    + "all unsigned 32-bit: " + num + "/[" + denMin + ", " + denMax + "] step " + denStep);
        }
    }
}
