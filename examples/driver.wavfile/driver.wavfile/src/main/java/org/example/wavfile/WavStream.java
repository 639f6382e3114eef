package org.example.wavfile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;

/**
 * One open substream of the WAV file card. A timer on the card's clock fires at
 * every period boundary; each firing moves the frames due since the last one
 * between the ring buffer and the file, and only then reports them (the
 * pointer), so the core never hands the application frames the file has not
 * seen yet.
 *
 * <p>Two locks: {@code state} guards the timing and is all that {@link #trigger}
 * takes (the core calls it with its stream lock held: it must not block);
 * {@code io} guards the file, and is never held together with {@code state}.
 */
final class WavStream implements PcmOps {
    private final PcmRuntime runtime;
    private final Clock clock;
    private final Path directory;
    private final String cardId;
    private final boolean playback;
    private final Object state = new Object();
    private final Object io = new Object();

    // guarded by state
    private boolean running;
    private long startNanos;
    private long baseFrames;
    private long nextPeriod;
    private long generation;
    /** One timer for the stream's life, re-armed each period: nothing is allocated per period. */
    private final Clock.Timer timer;

    private volatile HwParams params;
    /** Frames moved through the file since prepare: the hardware position. */
    private volatile long done;

    // guarded by io
    private FileChannel file;
    private Wav.Layout source;
    private long fileFrames;

    WavStream(PcmRuntime runtime, Path directory, String cardId) {
        this.runtime = runtime;
        this.clock = runtime.clock();
        this.timer = clock.newTimer(this::fire);
        this.directory = directory;
        this.cardId = cardId;
        this.playback = runtime.direction() == Direction.PLAYBACK;
    }

    @Override
    public void hwParams(HwParams p) {
        synchronized (state) {
            halt();
            generation++;
            params = p;
            baseFrames = 0;
            done = 0;
        }
        synchronized (io) {
            closeFile();
        }
    }

    @Override
    public void hwFree() {
        synchronized (state) {
            halt();
            generation++;
            params = null;
        }
        synchronized (io) {
            closeFile();
        }
    }

    @Override
    public void prepare() {
        HwParams p;
        synchronized (state) {
            halt();
            generation++;
            baseFrames = 0;
            done = 0;
            p = params;
        }
        synchronized (io) {
            closeFile();
            openFile(p);
        }
    }

    @Override
    public void trigger(Trigger command) {
        synchronized (state) {
            switch (command) {
                case START, RESUME, PAUSE_RELEASE -> go();
                case STOP, SUSPEND, PAUSE_PUSH -> halt();
                case DRAIN -> {
                }
            }
        }
    }

    @Override
    public long pointer() {
        HwParams p = params;
        return p == null ? 0 : done % p.bufferSize();
    }

    @Override
    public void close() {
        synchronized (state) {
            halt();
            generation++;
        }
        synchronized (io) {
            closeFile();
        }
    }

    // ---------------------------------------------------------------- timing (under state)

    private void go() {
        HwParams p = params;
        if (running || p == null) {
            return;
        }
        running = true;
        startNanos = clock.nanoTime();
        baseFrames = done;
        nextPeriod = (baseFrames / p.periodSize() + 1) * p.periodSize();
        arm(p);
    }

    private void halt() {
        if (!running) {
            return;
        }
        running = false;
        // a firing already moving frames must not report them after this
        generation++;
        timer.cancel();
    }

    private void arm(HwParams p) {
        timer.schedule(startNanos + p.framesToNanos(nextPeriod - baseFrames));
    }

    private long framesNow(HwParams p) {
        long e = Math.max(0, clock.nanoTime() - startNanos);
        return baseFrames + e / 1_000_000_000L * p.rate() + e % 1_000_000_000L * p.rate() / 1_000_000_000L;
    }

    /** On the clock's thread: move the frames due, then report them. */
    private void fire() {
        long gen;
        long from;
        long to;
        HwParams p;
        synchronized (state) {
            if (!running) {
                return;
            }
            gen = generation;
            p = params;
            from = done;
            to = framesNow(p);
        }
        long upTo = to;
        if (playback) {
            // only what the application queued goes into the file; past it the card plays nothing (an underrun)
            long queued = runtime.applPtr() - runtime.hwPtr();
            if (queued >= 0) {
                upTo = Math.min(to, from + queued);
            }
        }
        boolean failed = false;
        synchronized (io) {
            try {
                transfer(p, from, upTo);
            } catch (IOException | RuntimeException e) {
                failed = true;
            }
        }
        synchronized (state) {
            if (gen != generation || !running) {
                return;
            }
            if (!failed) {
                done = to;
                while (nextPeriod <= to) {
                    nextPeriod += p.periodSize();
                }
                arm(p);
            }
        }
        if (failed) {
            // the file cannot keep up: the hardware lost its position
            runtime.xrun();
        } else {
            runtime.periodElapsed();
        }
    }

    // ---------------------------------------------------------------- files (under io)

    private Path file(char kind) {
        return directory.resolve(cardId + "-" + runtime.device() + "-" + kind + runtime.subdevice() + ".wav");
    }

    private void openFile(HwParams p) {
        fileFrames = 0;
        source = null;
        if (p == null) {
            return;
        }
        try {
            if (playback) {
                file = FileChannel.open(file('p'), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE, StandardOpenOption.READ);
                Wav.writeHeader(file, p.format(), p.channels(), p.rate(), 0);
                return;
            }
            Path in = Files.exists(file('c')) ? file('c') : file('p');
            if (Files.exists(in)) {
                file = FileChannel.open(in, StandardOpenOption.READ);
                Wav.Layout l = Wav.read(file);
                source = l != null && l.matches(p.format(), p.channels(), p.rate()) ? l : null;
            }
        } catch (IOException e) {
            // no file to write: playback is discarded; none to read: capture records silence
            closeFile();
        }
    }

    private void closeFile() {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        file = null;
        source = null;
    }

    private void transfer(HwParams p, long from, long to) throws IOException {
        MemorySegment buffer = runtime.buffer();
        if (buffer == null || to <= from) {
            return;
        }
        long size = p.bufferSize();
        int frameBytes = p.frameBytes();
        // frames more than a buffer behind were overwritten already
        from = Math.max(from, to - size);
        while (from < to) {
            long ofs = from % size;
            long n = Math.min(to - from, size - ofs);
            ByteBuffer slice = buffer.asSlice(ofs * frameBytes, n * frameBytes).asByteBuffer();
            if (playback) {
                write(p, slice);
            } else {
                read(p, slice);
            }
            from += n;
        }
    }

    private void write(HwParams p, ByteBuffer frames) throws IOException {
        if (file == null) {
            return;
        }
        int frameBytes = p.frameBytes();
        long n = frames.remaining() / frameBytes;
        long at = Wav.HEADER_BYTES + fileFrames * frameBytes;
        while (frames.hasRemaining()) {
            at += file.write(frames, at);
        }
        fileFrames += n;
        // a finished file at every period: readers see the samples so far
        Wav.writeHeader(file, p.format(), p.channels(), p.rate(), fileFrames * frameBytes);
    }

    private void read(HwParams p, ByteBuffer into) throws IOException {
        int frameBytes = p.frameBytes();
        long dataFrames = source == null ? 0 : source.dataBytes() / frameBytes;
        if (dataFrames == 0) {
            byte silence = p.format().silenceByte();
            while (into.hasRemaining()) {
                into.put(silence);
            }
            return;
        }
        while (into.hasRemaining()) {
            long frame = fileFrames % dataFrames;
            long n = Math.min(into.remaining() / frameBytes, dataFrames - frame);
            ByteBuffer part = into.slice(into.position(), (int) (n * frameBytes));
            long at = source.dataOffset() + frame * frameBytes;
            while (part.hasRemaining()) {
                int r = file.read(part, at + part.position());
                if (r < 0) {
                    break;
                }
            }
            into.position(into.position() + (int) (n * frameBytes));
            fileFrames += n;
        }
    }
}
