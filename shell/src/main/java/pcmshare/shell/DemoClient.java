package pcmshare.shell;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.pcm.PcmSubstream;

/**
 * The demo's client: it holds only a MONITOR dup of the server's playback
 * substream and writes a tone through it with blocking writes, first what fits
 * the ring before the server starts the stream, then a period at a time as the
 * stream plays it.
 */
final class DemoClient {
    private final PcmSubstream dup;
    private final byte[] tone;
    private final int frameBytes;
    private final long prefill;
    private final long chunk;
    private final CountDownLatch prefilled = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long written;
    private volatile Throwable failure;
    private Thread thread;

    DemoClient(PcmSubstream dup, byte[] tone, int frameBytes, long bufferFrames, long periodFrames) {
        this.dup = dup;
        this.tone = tone;
        this.frameBytes = frameBytes;
        this.prefill = Math.min(bufferFrames, tone.length / frameBytes);
        this.chunk = periodFrames;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("pcmshare-demo-client").start(this::run);
    }

    private void run() {
        long total = tone.length / frameBytes;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(tone.length);
            MemorySegment.copy(MemorySegment.ofArray(tone), 0, src, 0, tone.length);
            // the stream is not running yet: only what fits the ring can be queued now
            while (written < prefill) {
                written += dup.write(src.asSlice(written * frameBytes), prefill - written);
            }
            prefilled.countDown();
            while (written < total) {
                long n = Math.min(chunk, total - written);
                written += dup.write(src.asSlice(written * frameBytes), n);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            prefilled.countDown();
            done.countDown();
        }
    }

    boolean awaitPrefilled(long timeout, TimeUnit unit) throws InterruptedException {
        return prefilled.await(timeout, unit);
    }

    boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    long written() {
        return written;
    }

    long prefill() {
        return prefill;
    }

    Throwable failure() {
        return failure;
    }

    /** Waits for the thread to end; the server revokes the dup first, which ends a blocked write at once. */
    void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    boolean isAlive() {
        return thread != null && thread.isAlive();
    }
}
