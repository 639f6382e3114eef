package pcmshare.driver.dummy;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * The configuration of one dummy card (a factory configuration of
 * {@value DummyCardComponent#FACTORY_PID}); the defaults make a usable card.
 * Property names are the method names.
 */
@ObjectClassDefinition(id = DummyCardComponent.FACTORY_PID, name = "pcmshare dummy sound card",
        description = "A virtual sound card paced by a timer, as the kernel's snd-dummy. One factory configuration per card.")
public @interface DummyConfig {

    @AttributeDefinition(name = "Card id", description = "Short unique id applications open the card by; the core adds a suffix on a clash.")
    String id() default "Dummy";

    @AttributeDefinition(name = "index", description = "The card's index (hw:INDEX), as snd-aloop's index= "
            + "parameter: 0-31, or -1 for the core to choose (the index this id had before, else a new one)",
            min = "-1", max = "31")
    int index() default -1;

    @AttributeDefinition(name = "Card name", description = "Human-readable name.")
    String name() default "Dummy";

    @AttributeDefinition(name = "PCM devices", description = "Number of PCM devices (snd-dummy's pcm_devs).", min = "1", max = "64")
    int pcmDevs() default 1;

    @AttributeDefinition(name = "Playback substreams", description = "Playback substreams per PCM device (snd-dummy's pcm_substreams).", min = "0", max = "4096")
    int playbackSubstreams() default 8;

    @AttributeDefinition(name = "Capture substreams", description = "Capture substreams per PCM device (snd-dummy's pcm_substreams).", min = "0", max = "4096")
    int captureSubstreams() default 8;

    @AttributeDefinition(name = "Access modes", description = "Access modes the hardware accepts.")
    Access[] accesses() default { Access.MMAP_INTERLEAVED, Access.MMAP_NONINTERLEAVED, Access.RW_INTERLEAVED,
            Access.RW_NONINTERLEAVED };

    @AttributeDefinition(name = "Sample formats", description = "Sample formats the hardware accepts.")
    SampleFormat[] formats() default { SampleFormat.U8, SampleFormat.S16_LE, SampleFormat.S24_LE,
            SampleFormat.S24_3LE, SampleFormat.S32_LE, SampleFormat.FLOAT_LE };

    @AttributeDefinition(name = "Lowest rate", description = "Lowest sample rate in Hz.", min = "1")
    int rateMin() default 5_500;

    @AttributeDefinition(name = "Highest rate", description = "Highest sample rate in Hz.", min = "1")
    int rateMax() default 192_000;

    @AttributeDefinition(name = "Discrete rates", description = "When not empty, only these rates (each within the range).", required = false)
    int[] rates() default {};

    @AttributeDefinition(name = "Fewest channels", min = "1")
    int channelsMin() default 1;

    @AttributeDefinition(name = "Most channels", min = "1")
    int channelsMax() default 8;

    @AttributeDefinition(name = "Smallest period", description = "Smallest period in frames.", min = "1")
    long periodSizeMin() default 16;

    @AttributeDefinition(name = "Largest period", description = "Largest period in frames.", min = "1")
    long periodSizeMax() default 65_536;

    @AttributeDefinition(name = "Fewest periods", description = "Fewest periods per buffer.", min = "1")
    int periodsMin() default 2;

    @AttributeDefinition(name = "Most periods", description = "Most periods per buffer.", min = "1")
    int periodsMax() default 1024;

    @AttributeDefinition(name = "Smallest buffer", description = "Smallest buffer in frames.", min = "1")
    long bufferSizeMin() default 32;

    @AttributeDefinition(name = "Largest buffer", description = "Largest buffer in frames.", min = "1")
    long bufferSizeMax() default 1 << 20;

    @AttributeDefinition(name = "Timer", description = "HRTIMER: one tick per period, position from elapsed time x rate. "
            + "SYSTICK: a coarse periodic tick (like jiffies) of systickHz.")
    TimerMode timerMode() default TimerMode.HRTIMER;

    @AttributeDefinition(name = "System tick", description = "Ticks per second in SYSTICK mode (the kernel's HZ).", min = "1", max = "100000")
    int systickHz() default 250;

    @AttributeDefinition(name = "Timer slack", description = "How late, in microseconds, a period may be reported so that "
            + "the card's timer serves substreams whose periods end close together in one firing (0: every period on time).",
            min = "0", max = "1000000")
    int timerSlackMicros() default 0;

    @AttributeDefinition(name = "Clock skew", description = "How far the card's crystal runs from the core's clock, in ppm (negative: slow).",
            min = "-999999", max = "999999")
    long skewPpm() default 0;

    @AttributeDefinition(name = "Capture content", description = "What capture records: SILENCE, SINE or COUNTING (a bit-exact pattern).")
    CaptureContent captureContent() default CaptureContent.SILENCE;

    @AttributeDefinition(name = "Sine frequency", description = "Frequency of the SINE capture content, in Hz.", min = "0")
    double sineFrequency() default 440.0;

    @AttributeDefinition(name = "Sine amplitude", description = "Amplitude of the SINE capture content, as a fraction of full scale.",
            min = "0", max = "1")
    double sineAmplitude() default 0.5;

    @AttributeDefinition(name = "Fake buffer", description = "Never touch the ring buffer: capture records nothing, playback is not read (snd-dummy's fake_buffer).")
    boolean fakeBuffer() default false;
}
