package pcmshare.shell;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.dmabuf.DmaBufMapping;
import pcmshare.core.api.sharing.shmem.FormatPolicy;
import pcmshare.core.api.sharing.shmem.SealedContainers;
import pcmshare.core.api.sharing.shmem.ValidatedContainer;

/**
 * The demo's consumer: it gets a capture ring as a dma-buf and the stream's
 * description as a sealed shmem container, nothing else. It waits on the fence
 * of each period, reads the period between begin and end of CPU access, gives
 * it back to the server (which then advances the capture's appl_ptr, so the
 * ring never overwrites a period the consumer has not read), and writes the
 * audio to a WAV file through javax.sound.sampled.
 */
final class DemoConsumer implements AutoCloseable {
    /** A period is 20 ms; a fence or a CPU access that takes this long means the capture is stuck. */
    static final long WAIT_SECONDS = 5;

    private Memfd description;
    private ValidatedContainer container;
    private DmaBuf buffer;
    private DmaBufMapping mapping;
    private StreamDescription stream;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long periods;
    private volatile Errno endedWith;
    private volatile Throwable failure;
    private Thread thread;

    /** Step 4: imports the description, validates it (in place when sealed) and keeps what it says. */
    StreamDescription receive(BufferExporter<Memfd, Memfd> shmem, SealedContainers containers, SharedHandle handle) {
        description = shmem.importHandle(handle);
        container = containers.read(description, FormatPolicy.only(StreamDescription.FORMAT));
        stream = StreamDescription.parse(container.payload());
        return stream;
    }

    boolean validatedInPlace() {
        return container != null && container.inPlace();
    }

    /** Step 3: imports the capture ring and maps it read-only. */
    DmaBuf attach(DmaBufExporter dmabuf, SharedHandle handle) {
        buffer = dmabuf.importHandle(handle);
        mapping = buffer.mmap(DmaBuf.SYNC_READ);
        return buffer;
    }

    /**
     * Starts writing {@code wav} from the periods as they complete; {@code giveBack}
     * is the server's, told of each period the consumer is done with.
     */
    void start(Path wav, LongConsumer giveBack) {
        StreamDescription s = stream;
        AudioFormat format = s.wavFormat().audioFormat();
        // the fences are taken here, before the capture starts
        Periods periods = new Periods(s, mapping.segment(), giveBack);
        thread = Thread.ofPlatform().daemon().name("pcmshare-demo-consumer").start(() -> {
            try (AudioInputStream in = new AudioInputStream(periods, format, AudioSystem.NOT_SPECIFIED)) {
                AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav.toFile());
            } catch (Throwable t) {
                failure = t;
            } finally {
                done.countDown();
            }
        });
    }

    boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    long periods() {
        return periods;
    }

    /** The error of the fence that ended the recording (ENOENT: the capture stopped), or null. */
    Errno endedWith() {
        return endedWith;
    }

    Throwable failure() {
        return failure;
    }

    /** The capture's periods, one after the other, as the bytes of the WAV's data. */
    private final class Periods extends InputStream {
        private final StreamDescription s;
        private final MemorySegment ring;
        private final LongConsumer giveBack;
        private final byte[] period;
        /**
         * The fences of the next periods, one more than the ring holds, taken
         * ahead. A fence pending when the capture stops signals with ENOENT, but
         * one asked for after the stop waits for a next start; and the capture
         * cannot get a whole ring ahead of the consumer without an overrun
         * (which stops it too), so one of these is always pending at a stop.
         */
        private final Fence[] fences;
        private int at;
        private boolean ended;

        Periods(StreamDescription s, MemorySegment ring, LongConsumer giveBack) {
            this.s = s;
            this.ring = ring;
            this.giveBack = giveBack;
            this.period = new byte[Math.toIntExact(s.periodFrames() * s.frameBytes())];
            this.at = period.length;
            this.fences = new Fence[s.bufferPeriods() + 1];
            for (int k = 1; k <= fences.length; k++) {
                fences[k % fences.length] = buffer.periodFence(k);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (at == period.length && !next()) {
                return -1;
            }
            int n = Math.min(len, period.length - at);
            System.arraycopy(period, at, b, off, n);
            at += n;
            return n;
        }

        private boolean next() throws IOException {
            if (ended) {
                return false;
            }
            long k = periods + 1;
            Fence fence = fences[(int) (k % fences.length)];
            try {
                if (!fence.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("the fence of period " + k + " did not signal within " + WAIT_SECONDS
                            + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for period " + k);
            }
            if (fence.error() != null) {
                // the capture stopped: no data will complete this period
                endedWith = fence.error();
                ended = true;
                return false;
            }
            if (!buffer.beginCpuAccess(DmaBuf.SYNC_READ, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("CPU access to period " + k + " did not begin within " + WAIT_SECONDS + " s");
            }
            try {
                long offset = (k - 1) % s.bufferPeriods() * period.length;
                MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, offset, period, 0, period.length);
            } finally {
                buffer.endCpuAccess(DmaBuf.SYNC_READ);
            }
            at = 0;
            periods = k;
            fences[(int) (k % fences.length)] = buffer.periodFence(k + fences.length);
            giveBack.accept(k);
            return true;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        if (mapping != null) {
            mapping.close();
        }
        if (buffer != null) {
            buffer.close();
        }
        if (container != null) {
            container.close();
        }
        if (description != null) {
            description.close();
        }
    }
}
