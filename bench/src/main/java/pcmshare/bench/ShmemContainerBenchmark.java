package pcmshare.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.sharing.shmem.ContainerReader;
import pcmshare.sharing.shmem.ContainerWriter;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;

/**
 * A sealed 4 KiB metadata container, made and checked the pcmshare way (create,
 * fill, seal, validate in place) beside the bare system calls that make it up
 * (memfd_create, ftruncate, mmap, fill, munmap, F_ADD_SEALS, F_GET_SEALS, mmap
 * read-only, munmap, close) and beside the pure-Java memory used where there is no
 * memfd.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ShmemContainerBenchmark {
    private static final int CONTAINER = 4096;
    private static final long FORMAT = ContainerFormat.of(0x0a, 0x10);

    private MemorySegment payload;
    private ContainerWriter kernelWriter;
    private ContainerWriter javaWriter;
    private ContainerReader reader;
    private Raw raw;

    @Setup(Level.Trial)
    public void setup() {
        payload = Arena.global().allocate(CONTAINER - 12);
        for (long i = 0; i < payload.byteSize(); i++) {
            payload.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        if (Allocators.linuxMemfdFactory() == null) {
            throw new IllegalStateException("this benchmark needs Linux memfd");
        }
        kernelWriter = new ContainerWriter(Allocators.linuxMemfdFactory());
        javaWriter = new ContainerWriter(Allocators.javaMemfdFactory());
        reader = new ContainerReader();
        raw = new Raw();
    }

    private long makeAndValidate(ContainerWriter writer) {
        try (Memfd fd = writer.generic("bench", FORMAT, payload); ValidatedContainer c = reader.read(fd)) {
            return c.payload().byteSize();
        }
    }

    @Benchmark
    public long pcmshare_kernelMemfd() {
        return makeAndValidate(kernelWriter);
    }

    @Benchmark
    public long pcmshare_javaMemory() {
        return makeAndValidate(javaWriter);
    }

    @Benchmark
    public long rawSyscalls() throws Throwable {
        return raw.run(payload);
    }

    /** The system calls alone, bound without errno capture or any checking beyond return codes. */
    static final class Raw {
        private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private final MethodHandle memfdCreate;
        private final MethodHandle ftruncate;
        private final MethodHandle fcntl;
        private final MethodHandle mmap;
        private final MethodHandle munmap;
        private final MethodHandle close;
        private final MemorySegment name = Arena.global().allocateFrom("bench");

        Raw() {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            memfdCreate = linker.downcallHandle(libc.find("memfd_create").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            ftruncate = linker.downcallHandle(libc.find("ftruncate").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
            fcntl = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
            mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
            munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        }

        long run(MemorySegment payload) throws Throwable {
            int fd = (int) memfdCreate.invokeExact(name, 0x1 | 0x2);
            if (fd < 0 || (int) ftruncate.invokeExact(fd, (long) CONTAINER) < 0) {
                throw new IllegalStateException("memfd_create/ftruncate failed");
            }
            MemorySegment w = ((MemorySegment) mmap.invokeExact(MemorySegment.NULL, (long) CONTAINER, 3, 1, fd, 0L))
                    .reinterpret(CONTAINER);
            w.set(U64, 0, FORMAT);
            w.set(U32, 8, (int) payload.byteSize());
            MemorySegment.copy(payload, 0, w, 12, payload.byteSize());
            int r = (int) munmap.invokeExact(w, (long) CONTAINER);
            r |= (int) fcntl.invokeExact(fd, 1033, 0x2 | 0x4 | 0x8);
            int seals = (int) fcntl.invokeExact(fd, 1034, 0);
            MemorySegment ro = ((MemorySegment) mmap.invokeExact(MemorySegment.NULL, (long) CONTAINER, 1, 1, fd, 0L))
                    .reinterpret(CONTAINER);
            long size = Integer.toUnsignedLong(ro.get(U32, 8));
            r |= (int) munmap.invokeExact(ro, (long) CONTAINER);
            r |= (int) close.invokeExact(fd);
            if (r < 0 || (seals & 0xe) != 0xe) {
                throw new IllegalStateException("raw system calls failed");
            }
            return size;
        }
    }
}
