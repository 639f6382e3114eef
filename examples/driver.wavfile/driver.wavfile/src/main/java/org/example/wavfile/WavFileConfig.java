package org.example.wavfile;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WAV file card", description = "A pcmshare card whose playback writes WAV files and whose"
        + " capture reads them")
public @interface WavFileConfig {
    @AttributeDefinition(description = "card id")
    String id() default "WavFile";

    @AttributeDefinition(description = "where the files are; empty: the framework property org.example.wavfile.dir, else <java.io.tmpdir>/pcmshare-wavfile")
    String directory() default "";

    @AttributeDefinition(description = "substreams per direction")
    int substreams() default 2;
}
