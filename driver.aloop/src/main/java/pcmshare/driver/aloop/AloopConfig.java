package pcmshare.driver.aloop;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of one loopback card. Property names are the method names,
 * in the style of driver.dummy's; snd-aloop's names ({@code pcm_substreams},
 * {@code timer_source}, ...), which this card used before, are still read
 * ({@link AloopLegacyConfig}).
 */
@ObjectClassDefinition(name = "pcmshare loopback card",
        description = "A loopback sound card (snd-aloop): what is played on device d substream s is captured on"
                + " device d^1 substream s. Without configuration one card with id Loopback exists; each factory"
                + " configuration of pcmshare.driver.aloop makes one card instead.")
@interface AloopConfig {

    @AttributeDefinition(name = "Card id", description = "Card id (ALSA's card id), unique among cards")
    String id() default "Loopback";

    @AttributeDefinition(name = "index", description = "The card's index (hw:INDEX), as snd-aloop's index= "
            + "parameter: 0-31, or -1 for the core to choose (the index this id had before, else a new one)",
            min = "-1", max = "31")
    int index() default -1;

    @AttributeDefinition(name = "Card name", description = "Human-readable card name")
    String name() default "Loopback";

    @AttributeDefinition(name = "Substreams", description = "Substreams per PCM device and direction (1-8;"
            + " snd-aloop's pcm_substreams)", min = "1", max = "8")
    int pcmSubstreams() default 8;

    @AttributeDefinition(name = "Notify",
            description = "Let playback change the cable's format, rate or channels: a running capture of the"
                    + " cable is stopped into DRAINING (snd-aloop's pcm_notify). Off: the cable's parameters stay"
                    + " those of the side that set them first")
    boolean pcmNotify() default false;

    @AttributeDefinition(name = "Timer source",
            description = "Id or name of the card whose clock paces every cable (never an index); empty: the"
                    + " loopback's own clock, or the clock of a card an aloop substream is linked with"
                    + " (snd-aloop's timer_source)")
    String timerSource() default "";

    @AttributeDefinition(name = "Sample formats", description = "Sample formats offered (SampleFormat names)")
    String[] formats() default { "S16_LE", "S16_BE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE" };

    @AttributeDefinition(name = "Lowest rate", description = "Lowest rate in Hz")
    int rateMin() default 8_000;

    @AttributeDefinition(name = "Highest rate", description = "Highest rate in Hz")
    int rateMax() default 192_000;

    @AttributeDefinition(name = "Fewest channels", description = "Fewest channels")
    int channelsMin() default 1;

    @AttributeDefinition(name = "Most channels", description = "Most channels")
    int channelsMax() default 32;
}
