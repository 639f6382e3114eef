package pcmshare.server.alsa;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;

/**
 * Moves the manual clock in steps of one millisecond, as fast as the programs keep
 * up and never faster: only while every running playback has a period queued and
 * every running capture has room for one, so a test plays seconds of audio in less
 * time, with no xrun that the machine's load could cause. Time moves while a
 * playback runs or drains; after that only when {@link #captureAlone(boolean)} says
 * so (the program that played has ended), so that a capture never runs ahead on its own.
 */
final class Pacer implements AutoCloseable {

    static final long STEP_NANOS = 1_000_000;

    private final ManualClock clock;
    private final AlsaServer server;
    private final Thread thread;
    private final AtomicLong steps = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean captureAlone;
    private volatile boolean held;
    /** Per playback: the appl_ptr last seen and when it last moved (real time). */
    private final java.util.Map<PcmSubstream, long[]> lastAppl = new java.util.IdentityHashMap<>();
    /** How long a playback may sit with less than a period queued before time moves without it. */
    static final long IDLE_NANOS = 200_000_000L;

    Pacer(ManualClock clock, AlsaServer server) {
        this.clock = clock;
        this.server = server;
        this.thread = Thread.ofPlatform().name("pcmshare-test-pacer").daemon().start(this::run);
    }

    /** Stops time (true) until released (false), whatever the streams do. */
    void hold(boolean on) {
        held = on;
    }

    /** Lets time move for captures alone (once the playing program is done). */
    void captureAlone(boolean on) {
        captureAlone = on;
    }

    long steps() {
        return steps.get();
    }

    private void run() {
        while (!closed) {
            if (!held && mayAdvance()) {
                clock.advance(STEP_NANOS);
                steps.incrementAndGet();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    private boolean mayAdvance() {
        boolean playing = false;
        boolean capturing = false;
        for (Client c : server.clients()) {
            PcmSubstream h = c.handle();
            if (h == null || c.preset() != pcmshare.core.api.sharing.anondup.Preset.FULL) {
                continue;
            }
            HwParams hw;
            PcmStatus st;
            try {
                hw = h.hwParams();
                st = h.status();
            } catch (ErrnoException | NullPointerException e) {
                continue;
            }
            if (hw == null) {
                continue;
            }
            boolean playback = h.direction() == Direction.PLAYBACK;
            switch (st.state()) {
                case RUNNING -> {
                    if (playback) {
                        if (hw.bufferSize() - st.avail() < hw.periodSize() && !idle(h, st)) {
                            return false;
                        }
                        playing = true;
                    } else {
                        if (st.avail() > hw.bufferSize() - hw.periodSize()) {
                            return false;
                        }
                        capturing = true;
                    }
                }
                case DRAINING -> playing |= playback;
                case PREPARED -> {
                    if (playback) {
                        return false;
                    }
                }
                default -> {
                }
            }
        }
        return playing || (captureAlone && capturing);
    }

    /**
     * A playback whose program has queued less than a period and written nothing for
     * {@link #IDLE_NANOS}: it has nothing more to give (Java Sound's drain waits for the
     * stream to play out, without snd_pcm_drain), so time moves on as a card's would,
     * into an underrun once the queue is empty.
     */
    private boolean idle(PcmSubstream h, PcmStatus st) {
        long now = System.nanoTime();
        long[] seen = lastAppl.computeIfAbsent(h, k -> new long[] {-1, now});
        if (seen[0] != st.applPtr()) {
            seen[0] = st.applPtr();
            seen[1] = now;
            return false;
        }
        return now - seen[1] > IDLE_NANOS;
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
