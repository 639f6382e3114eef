package pcmshare.driver.aloop;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of one loopback card, named as snd-aloop's module
 * parameters. A double underscore in a method name is one underscore in the
 * property name ({@code pcm__substreams} is {@code pcm_substreams}).
 */
@ObjectClassDefinition(name = "pcmshare loopback card",
        description = "A loopback sound card (snd-aloop): what is played on device d substream s is captured on"
                + " device d^1 substream s. Without configuration one card with id Loopback exists; each factory"
                + " configuration of pcmshare.driver.aloop makes one card instead.")
@interface AloopConfig {

    @AttributeDefinition(name = "id", description = "Card id (ALSA's card id), unique among cards")
    String id() default "Loopback";

    @AttributeDefinition(name = "index", description = "The card's index (hw:INDEX), as snd-aloop's index= "
            + "parameter: 0-31, or -1 for the core to choose (the index this id had before, else a new one)",
            min = "-1", max = "31")
    int index() default -1;

    @AttributeDefinition(name = "name", description = "Human-readable card name")
    String name() default "Loopback";

    @AttributeDefinition(name = "pcm_substreams", description = "Substreams per PCM device and direction (1-8)",
            min = "1", max = "8")
    int pcm__substreams() default 8;

    @AttributeDefinition(name = "pcm_notify",
            description = "Let playback change the cable's format, rate or channels: a running capture of the"
                    + " cable is stopped into DRAINING (snd-aloop's pcm_notify). Off: the cable's parameters stay"
                    + " those of the side that set them first")
    boolean pcm__notify() default false;

    @AttributeDefinition(name = "timer_source",
            description = "Id or name of the card whose clock paces every cable (never an index); empty: the"
                    + " loopback's own clock, or the clock of a card an aloop substream is linked with")
    String timer__source() default "";

    @AttributeDefinition(name = "formats", description = "Sample formats offered (SampleFormat names)")
    String[] formats() default { "S16_LE", "S16_BE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE" };

    @AttributeDefinition(name = "rate_min", description = "Lowest rate in Hz")
    int rate__min() default 8_000;

    @AttributeDefinition(name = "rate_max", description = "Highest rate in Hz")
    int rate__max() default 192_000;

    @AttributeDefinition(name = "channels_min", description = "Fewest channels")
    int channels__min() default 1;

    @AttributeDefinition(name = "channels_max", description = "Most channels")
    int channels__max() default 32;
}
