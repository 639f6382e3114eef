package pcmshare.driver.dummy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * One open substream of a dummy card. The position is a function of the card's
 * clock ({@link Pacing}) from the last start, plus the frames done before it, so
 * it tracks the clock exactly. Capture writes its content into the ring buffer
 * up to the position each time the core reads the pointer, so every frame the
 * core hands out has been recorded; playback reads (checksums) what it
 * consumed. With a fake buffer neither touches the ring buffer.
 *
 * <p>The core calls every op with the substream's lock held, which guards the
 * fields below; the card's timer only ever sees the copy in its queue entry.
 */
final class DummyStream implements PcmOps {
    private final DummyCard card;
    private final PcmRuntime runtime;
    private final DummySettings settings;
    private final CardTimer timer;
    private final CardTimer.Entry entry = new CardTimer.Entry(this);
    private final boolean capture;
    private final CRC32C checksum = new CRC32C();

    private HwParams params;
    private Pacing pacing;
    private MemorySegment buffer;
    private ByteBuffer bufferView;
    private SampleFormat format;
    private long bufferSize;
    private long periodSize;
    private int channels;
    private int sampleBytes;
    private int frameBytes;
    private boolean interleaved;
    private boolean touchBuffer;

    private boolean running;
    private long startNanos;
    /** Frames done (since prepare) before the last start. */
    private long baseFrames;
    /** Capture: frames recorded into the buffer; playback: frames read from it. */
    private long transferred;

    private volatile long checksumValue;
    private volatile long transferredFrames;
    private volatile boolean closed;

    DummyStream(DummyCard card, PcmRuntime runtime, DummySettings settings, CardTimer timer) {
        this.card = card;
        this.runtime = runtime;
        this.settings = settings;
        this.timer = timer;
        this.capture = runtime.direction() == Direction.CAPTURE;
    }

    PcmRuntime runtime() {
        return runtime;
    }

    @Override
    public void hwParams(HwParams p) {
        Pacing pc = Pacing.of(settings.timerMode(), p.rate(), settings.systickHz());
        long perTick = pc.framesPerTick(p.periodSize());
        if (settings.timerMode() == TimerMode.SYSTICK && p.bufferSize() < 2 * perTick) {
            // the position would jump a whole buffer between ticks and the core could not follow it
            throw new ErrnoException(Errno.EINVAL, "hw_params", runtime.state(), p.bufferSize(), "buffer_size "
                    + p.bufferSize() + " is less than two system ticks (" + 2 * perTick + " frames at "
                    + p.rate() + " Hz, " + settings.systickHz() + " Hz tick) on dummy card " + card.id());
        }
        halt();
        params = p;
        pacing = pc;
        buffer = runtime.buffer();
        format = p.format();
        bufferSize = p.bufferSize();
        periodSize = p.periodSize();
        channels = p.channels();
        sampleBytes = format.bytes();
        frameBytes = p.frameBytes();
        interleaved = p.access().isInterleaved();
        touchBuffer = !settings.fakeBuffer() && buffer != null;
        // a ByteBuffer view feeds the intrinsic CRC without copying; past 2 GiB there is none and playback is not read
        bufferView = touchBuffer && !capture && buffer.byteSize() <= Integer.MAX_VALUE ? buffer.asByteBuffer() : null;
        if (touchBuffer && capture && settings.captureContent() == CaptureContent.SILENCE) {
            // silence never changes, so it is recorded once for the whole buffer
            buffer.fill(format.silenceByte());
        }
        reset();
    }

    @Override
    public void hwFree() {
        halt();
        params = null;
        buffer = null;
        bufferView = null;
    }

    @Override
    public void prepare() {
        halt();
        reset();
    }

    private void reset() {
        baseFrames = 0;
        transferred = 0;
        transferredFrames = 0;
        checksum.reset();
        checksumValue = 0;
    }

    @Override
    public void trigger(Trigger command) {
        switch (command) {
            case START, RESUME, PAUSE_RELEASE -> go();
            case STOP, SUSPEND, PAUSE_PUSH -> halt();
            case DRAIN -> {
            }
        }
    }

    private void go() {
        if (running || params == null) {
            return;
        }
        startNanos = timer.clock().nanoTime();
        running = true;
        timer.start(entry, pacing, startNanos, baseFrames, periodSize);
    }

    private void halt() {
        if (!running) {
            return;
        }
        baseFrames = framesNow();
        running = false;
        timer.stop(entry);
    }

    /** Frames done since prepare, now. */
    private long framesNow() {
        return running ? baseFrames + pacing.frames(startNanos, timer.clock().nanoTime()) : baseFrames;
    }

    @Override
    public long pointer() {
        if (params == null) {
            return 0;
        }
        long frames = framesNow();
        if (touchBuffer && frames != transferred) {
            transfer(frames);
        }
        return frames % bufferSize;
    }

    /** From the card's timer: a period completed. */
    void periodElapsed() {
        if (!closed) {
            runtime.periodElapsed();
        }
    }

    @Override
    public void close() {
        halt();
        closed = true;
        card.closed(this);
    }

    /** The card is going away under a core that did not close this substream. */
    void abandon() {
        closed = true;
    }

    // ---------------------------------------------------------------- the ring buffer

    private void transfer(long upTo) {
        long from = transferred;
        if (upTo - from > bufferSize) {
            // frames a whole buffer behind were overwritten (capture) or never queued (playback) already
            from = upTo - bufferSize;
        }
        while (from < upTo) {
            long ofs = from % bufferSize;
            long n = Math.min(upTo - from, bufferSize - ofs);
            if (capture) {
                record(from, ofs, n);
            } else {
                consume(ofs, n);
            }
            from += n;
        }
        transferred = upTo;
        transferredFrames = upTo;
    }

    /** Records frames {@code first}.. at buffer frame {@code ofs}, {@code n} of them, not wrapping. */
    private void record(long first, long ofs, long n) {
        switch (settings.captureContent()) {
            case SILENCE -> {
            }
            case COUNTING -> {
                for (long i = 0; i < n; i++) {
                    long frame = first + i;
                    for (int c = 0; c < channels; c++) {
                        Samples.putRaw(buffer, sampleOffset(ofs + i, c), format, frame * channels + c);
                    }
                }
            }
            case SINE -> {
                int rate = params.rate();
                double f = settings.sineFrequency();
                double amplitude = settings.sineAmplitude();
                for (long i = 0; i < n; i++) {
                    long frame = first + i;
                    // the phase from the frame number alone, so the tone neither drifts nor depends on the ticks
                    double cycles = (double) (frame / rate) * f + (double) (frame % rate) * f / rate;
                    double level = amplitude * Math.sin(2 * Math.PI * (cycles - Math.floor(cycles)));
                    for (int c = 0; c < channels; c++) {
                        Samples.putLevel(buffer, sampleOffset(ofs + i, c), format, level);
                    }
                }
            }
        }
    }

    private long sampleOffset(long frame, int channel) {
        return interleaved ? frame * frameBytes + (long) channel * sampleBytes
                : ((long) channel * bufferSize + frame) * sampleBytes;
    }

    /** Reads frames at buffer frame {@code ofs}, {@code n} of them, not wrapping, into the checksum. */
    private void consume(long ofs, long n) {
        if (bufferView == null) {
            return;
        }
        if (interleaved) {
            update(ofs * frameBytes, n * frameBytes);
        } else {
            for (int c = 0; c < channels; c++) {
                update(((long) c * bufferSize + ofs) * sampleBytes, n * sampleBytes);
            }
        }
        checksumValue = checksum.getValue();
    }

    private void update(long byteOffset, long bytes) {
        ByteBuffer v = bufferView;
        v.clear();
        v.position((int) byteOffset).limit((int) (byteOffset + bytes));
        checksum.update(v);
    }

    // ---------------------------------------------------------------- what tests and tools may observe

    /** Capture: frames recorded so far; playback: frames read so far (0 with a fake buffer). */
    long transferredFrames() {
        return transferredFrames;
    }

    /** Playback: CRC-32C of the bytes consumed since hw_params or prepare, in buffer order. */
    long playbackChecksum() {
        return checksumValue;
    }

    boolean isClosed() {
        return closed;
    }
}
