package pcmshare.core.api.impl.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdFactory;

/**
 * fdget/fdput: a descriptor is pinned while a call uses it, so a concurrent close
 * cannot hand its number to another file that the call then acts on.
 */
class LinuxMemfdPinTest {
    private static final int FLAGS = MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING;

    @Test
    void closeDuringACallInFlight_neverRedirectsTheCallToAFileThatReusedTheNumber() throws Exception {
        MemfdFactory f = Allocators.linuxMemfdFactory();
        assumeThat(f).as("kernel memfds").isNotNull();
        // a heap source is copied to native memory before pwrite: a wide window between
        // the handle's "open?" check and the system call
        MemorySegment big = MemorySegment.ofArray(new byte[32 << 20]);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        int inFlight = 0;
        try {
            for (int round = 0; round < 20 && inFlight < 3; round++) {
                Memfd victim = f.create("victim", FLAGS);
                int number = victim.fd().getAsInt();
                CountDownLatch started = new CountDownLatch(1);
                CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
                    started.countDown();
                    return victim.write(0, big);
                }, writer);
                started.await();
                victim.close();
                Memfd bystander = f.create("bystander", FLAGS);
                try {
                    try {
                        assertThat(write.get()).isEqualTo(big.byteSize());
                        inFlight++;
                    } catch (ExecutionException e) {
                        // the close came first: refused, as it must be
                        assertThat(e.getCause()).isInstanceOf(ErrnoException.class);
                        assertThat(((ErrnoException) e.getCause()).errno()).isEqualTo(Errno.EBADF);
                    }
                    assertThat(bystander.size()).as("round %d: the new file behind fd %d (now %s) was written",
                            round, number, bystander).isZero();
                    assertThat(target(number)).as("the last call in flight closed the victim's descriptor")
                            .doesNotContain("memfd:victim");
                } finally {
                    bystander.close();
                }
            }
        } finally {
            writer.shutdownNow();
        }
        assertThat(inFlight).as("rounds where the write ran across the close").isPositive();
    }

    private static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "(no such descriptor)";
        }
    }
}
