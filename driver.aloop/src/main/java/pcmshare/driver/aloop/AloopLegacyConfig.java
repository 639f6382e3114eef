package pcmshare.driver.aloop;

/**
 * The loopback card's properties under the names it had before (snd-aloop's, with
 * underscores), still read so that existing configuration files keep working: a
 * value under an old name counts when the new name is not set too, and the card
 * logs a deprecation warning naming the new one. A double underscore in a method
 * name is one underscore in the property name ({@code pcm__substreams} is
 * {@code pcm_substreams}). It only names and types the old properties, for
 * {@link pcmshare.core.api.driver.DriverConfiguration#checkValues}: it is no parameter of the
 * component's activate method, where bnd would add its defaults to the component's
 * properties and every old name would look set ({@link LegacyNames} reads them).
 */
@interface AloopLegacyConfig {

    int pcm__substreams() default 8;

    boolean pcm__notify() default false;

    String timer__source() default "";

    int rate__min() default 8_000;

    int rate__max() default 192_000;

    int channels__min() default 1;

    int channels__max() default 32;
}
