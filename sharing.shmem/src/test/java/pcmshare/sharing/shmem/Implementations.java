package pcmshare.sharing.shmem;

import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

import pcmshare.core.api.impl.memory.Allocators;

/** The kernel's memfd (where this JVM can make them) and the pure-Java memory. */
final class Implementations {
    private Implementations() {
    }

    static Stream<Arguments> factories() {
        Stream.Builder<Arguments> b = Stream.builder();
        if (Allocators.linuxMemfdFactory() != null) {
            b.add(Arguments.of("kernel memfd", Allocators.linuxMemfdFactory()));
        }
        b.add(Arguments.of("java memory", Allocators.javaMemfdFactory()));
        return b.build();
    }
}
