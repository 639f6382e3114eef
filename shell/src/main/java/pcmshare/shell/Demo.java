package pcmshare.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.shmem.ContainerFormat;
import pcmshare.core.api.sharing.shmem.SealedContainers;

/**
 * One run of {@code pcmshare:demo}: a server, a client and a consumer inside
 * the container, through every part of pcmshare, with each step said in plain
 * words and each claim checked. A failed check ends the run with an
 * {@link IllegalStateException} that names it; whatever the outcome, everything
 * the run opened, exported or configured is let go of.
 */
final class Demo {
    static final String CMD = "pcmshare:demo";
    static final String LOOPBACK = "Loopback";
    static final String DUMMY_FACTORY_PID = "pcmshare.driver.dummy";
    static final String DUMMY_CONFIG_NAME = "pcmshare-demo";
    static final String DUMMY = "DemoDummy";
    static final long SKEW_PPM = 250;
    static final double TONE_HZ = 440;
    static final String SERVER = "pcmshare:demo server";
    static final String CLIENT = "pcmshare:demo client";
    static final String CONSUMER = "pcmshare:demo consumer";

    static final SampleFormat FORMAT = SampleFormat.S16_LE;
    static final int RATE = 48_000;
    static final int CHANNELS = 2;
    /** 20 ms periods. */
    static final long PERIOD = 960;
    /** Half a second of playback ring: the client queues that much before the start. */
    static final int PLAYBACK_PERIODS = 25;
    /** A second of capture ring: the consumer may lag that much behind before the capture overruns. */
    static final int CAPTURE_PERIODS = 50;
    /** Paired position reads per offset measurement, and the time between them: about 40 ms in all. */
    private static final int DRIFT_READS = 64;
    private static final long DRIFT_READ_SPACING_NANOS = 500_000;
    /** The longest a pair of position reads may take: a frame. */
    private static final long DRIFT_PAIR_NANOS = 20_000;
    /** How far apart two offset measurements may be and still count as no drift: below half a frame. */
    private static final double DRIFT_TOLERANCE = 0.5;
    private static final long CARD_WAIT_SECONDS = 10;

    private final PcmCore core;
    private final AnonDup anonDup;
    private final DmaBufExporter dmabuf;
    private final SealedContainers containers;
    private final BufferExporter<Memfd, Memfd> shmem;
    private final ConfigurationAdmin cm;
    private final PrintStream out;
    private final double seconds;
    private final Path wav;
    /** What to let go of, last acquired first. */
    private final Deque<Cleanup> cleanups = new ArrayDeque<>();

    /** The step running, for a failure's message. */
    private String step = "setup";
    /** The checks that held, by name, in the order they first held. */
    private final Set<String> held = new LinkedHashSet<>();

    @FunctionalInterface
    interface Cleanup {
        void run() throws Exception;
    }

    Demo(PcmCore core, AnonDup anonDup, DmaBufExporter dmabuf, SealedContainers containers,
            BufferExporter<Memfd, Memfd> shmem, ConfigurationAdmin cm, PrintStream out, double seconds, Path wav) {
        this.core = core;
        this.anonDup = anonDup;
        this.dmabuf = dmabuf;
        this.containers = containers;
        this.shmem = shmem;
        this.cm = cm;
        this.out = out;
        this.seconds = seconds;
        this.wav = wav;
    }

    /** Runs the demo and cleans up; returns the closing line. */
    String run() throws Exception {
        Exception failure = null;
        try {
            return scenario();
        } catch (ErrnoException e) {
            // a refusal the scenario did not expect: say in which step
            failure = new IllegalStateException(CMD + ": " + step + ": " + e.getMessage(), e);
            throw failure;
        } catch (Exception e) {
            failure = e;
            throw e;
        } finally {
            Exception cleanup = cleanUp();
            if (cleanup != null) {
                if (failure != null) {
                    failure.addSuppressed(cleanup);
                } else {
                    throw new IllegalStateException(CMD + ": cleaning up failed: " + cleanup.getMessage(), cleanup);
                }
            }
        }
    }

    private String scenario() throws Exception {
        int toneFrames = Math.toIntExact(Math.round(seconds * RATE));
        HwParams playbackParams = HwParams.of(FORMAT, CHANNELS, RATE, PERIOD, PLAYBACK_PERIODS);
        HwParams captureParams = new HwParams(Access.MMAP_INTERLEAVED, FORMAT, CHANNELS, RATE, PERIOD,
                CAPTURE_PERIODS);
        int fb = playbackParams.frameBytes();
        if (core.card(LOOPBACK).isEmpty()) {
            throw new IllegalStateException(CMD + " needs the loopback card '" + LOOPBACK + "' (driver.aloop); cards "
                    + "present: " + core.cards().stream().map(CardInfo::id).toList());
        }
        say(String.format("%s: %.2f s of a %s Hz tone through the loopback card, paced by a skewed dummy card",
                CMD, seconds, hz(TONE_HZ)));

        // ------------------------------------------------------------ 1
        say("");
        say(header("1/5 A server opens the loopback playback and hands a client a MONITOR dup"));
        PcmSubstream playback = hold(core.open(LOOPBACK, 0, Direction.PLAYBACK, 0, false, SERVER));
        playback.hwParams(playbackParams);
        SwParams sw = playback.swParams();
        // only the server starts the stream: a write must not start it by reaching the start threshold
        playback.swParams(sw.withStartThreshold(sw.boundary()));
        playback.prepare();
        String pName = name(LOOPBACK, 0, 0, Direction.PLAYBACK);
        say("    server:   opened " + pName + ": " + describe(playbackParams) + "; prepared");
        PcmSubstream dup = anonDup.dup(playback, Preset.MONITOR, CLIENT);
        cleanups.push(() -> {
            anonDup.revoke(playback, dup);
            dup.close();
        });
        say("    client:   got a dup of it from the anondup backend, permissions " + anonDup.permissions(dup));
        try {
            dup.start();
            fail("client start refused", "the client's dup started the stream; MONITOR must not trigger");
        } catch (ErrnoException e) {
            check(e.errno() == Errno.EPERM, "client start refused", "start through the dup failed with "
                    + e.errno() + " instead of EPERM: " + e.getMessage());
            check(playback.state() == PcmState.PREPARED, "client start refused", "the refused start left the "
                    + "stream " + playback.state());
            say("    client:   tried to start the stream, refused: " + e.getMessage());
        }
        byte[] tone = DemoAudio.toneS16(TONE_HZ, RATE, CHANNELS, toneFrames);
        DemoClient client = new DemoClient(dup, tone, fb, playbackParams.bufferSize(), PERIOD);
        client.start();
        cleanups.push(() -> {
            // revoking ends a write blocked in the dup at once (EPERM)
            anonDup.revoke(playback, dup);
            client.join(TimeUnit.SECONDS.toMillis(5));
        });
        check(client.awaitPrefilled(5, TimeUnit.SECONDS) && client.failure() == null, "client writes through the dup",
                "the client could not queue the start of the tone: " + client.failure());
        say("    client:   wrote the first " + client.written() + " of " + toneFrames + " frames of a " + hz(TONE_HZ)
                + " Hz tone through its dup; the rest follows while the stream plays");

        // ------------------------------------------------------------ 2
        say("");
        say(header("2/5 The loopback playback is linked to a dummy card playback running at +" + SKEW_PPM + " ppm"));
        CardInfo dummyCard = createDummyCard();
        say("    server:   created card " + dummyCard.id() + " through ConfigurationAdmin (factory "
                + DUMMY_FACTORY_PID + ", skewPpm=+" + dummyCard.clockSkewPpm() + ")");
        PcmSubstream dummy = hold(core.open(DUMMY, 0, Direction.PLAYBACK, 0, false, SERVER));
        dummy.hwParams(playbackParams);
        SwParams dsw = dummy.swParams();
        // the dummy only lends its clock: it plays silence for as long as the demo runs, never underrunning
        dummy.swParams(dsw.withStartThreshold(dsw.boundary()).withStopThreshold(dsw.boundary())
                .withSilence(0, dsw.boundary()));
        dummy.prepare();
        try (Arena arena = Arena.ofConfined()) {
            dummy.write(arena.allocate(PERIOD * fb), PERIOD);
        }
        String dName = name(DUMMY, 0, 0, Direction.PLAYBACK);
        say("    server:   opened " + dName + " with the same parameters; it plays silence");
        playback.link(dummy);
        Optional<SubstreamView> partner = playback.linkedWith().stream().findFirst();
        check(partner.isPresent(), "linked", pName + " is not linked after link");
        check(playback.linkedWith().size() == 1 && partner.get().cardId().equals(DUMMY)
                && partner.get().direction() == Direction.PLAYBACK, "linked",
                pName + " is linked with " + playback.linkedWith());
        say("    server:   linked " + pName + " with " + dName + ": from now on one trigger starts and stops both, "
                + "and the loopback takes its clock from " + DUMMY);

        // ------------------------------------------------------------ 3
        say("");
        say(header("3/5 The loopback capture's ring buffer goes to a consumer as a dma-buf"));
        PcmSubstream capture = hold(core.open(LOOPBACK, 1, Direction.CAPTURE, 0, false, SERVER));
        capture.hwParams(captureParams);
        capture.prepare();
        String cName = name(LOOPBACK, 1, 0, Direction.CAPTURE);
        say("    server:   opened " + cName + " (the other end of the cable): " + describe(captureParams));
        SharedHandle exported = hold(dmabuf.exportSubstream(capture, SERVER));
        SharedHandle forConsumer = hold(exported.share(CONSUMER));
        say("    server:   exported its " + exported.byteSize() + "-byte ring as dma-buf #" + exported.id()
                + " and passed a handle to the consumer");
        DemoConsumer consumer = new DemoConsumer();
        cleanups.push(consumer::close);
        DmaBuf buf = consumer.attach(dmabuf, forConsumer);
        say("    consumer: imported it (" + buf.refCount() + " references on the buffer) and mapped it read-only; "
                + "it will wait on one fence per period");

        // ------------------------------------------------------------ 4
        say("");
        say(header("4/5 The stream description travels to the consumer as a sealed shmem container"));
        StreamDescription description = new StreamDescription(FORMAT, RATE, CHANNELS, TONE_HZ, toneFrames, PERIOD,
                CAPTURE_PERIODS);
        Memfd memfd = hold(containers.writeGeneric("pcmshare-demo-stream", StreamDescription.FORMAT,
                description.payload()));
        SharedHandle container = hold(shmem.export(memfd, SERVER));
        SharedHandle containerForConsumer = hold(container.share(CONSUMER));
        say("    server:   wrote \"" + description.oneLine() + "\" into memfd " + memfd.name() + ", sealed "
                + memfd.seals() + ", format " + ContainerFormat.toString(StreamDescription.FORMAT)
                + "; exported it as shmem #" + container.id());
        StreamDescription received = consumer.receive(shmem, containers, containerForConsumer);
        check(consumer.validatedInPlace(), "description validated in place",
                "the consumer had to copy the container: it was not sealed against writing and shrinking");
        check(received.equals(description), "description received", "the consumer read " + received.oneLine());
        say("    consumer: validated it in place (sealed: nobody can change it, so no private copy); its WAV "
                + "writer is set to " + received.wavFormat());

        // ------------------------------------------------------------ run
        say("");
        say(header("    Run: the capture starts, then both playbacks start in one group action"));
        AtomicLong givenBack = new AtomicLong();
        AtomicLong giveBackRefused = new AtomicLong();
        consumer.start(wav, k -> giveBack(capture, k, givenBack, giveBackRefused));
        capture.start();
        playback.start();
        PcmStatus ps = playback.status();
        PcmStatus ds = dummy.status();
        check(ps.state() == PcmState.RUNNING && ds.state() == PcmState.RUNNING, "one group start",
                "after one start " + pName + " is " + ps.state() + " and " + dName + " is " + ds.state());
        check(ps.triggerTimestampNanos() == ds.triggerTimestampNanos(), "one trigger timestamp",
                pName + " started at " + ps.triggerTimestampNanos() + " ns, " + dName + " at "
                        + ds.triggerTimestampNanos() + " ns");
        say("    server:   started " + pName + "; " + dName + " started with it: trigger timestamps "
                + ps.triggerTimestampNanos() + " ns and " + ds.triggerTimestampNanos() + " ns (one timestamp)");
        double offsetAtStart = meanOffset(playback, dummy);
        long dummyAtStart = dummy.status().hwPtr();

        long limit = Math.round(seconds * 1000) + TimeUnit.SECONDS.toMillis(10);
        long started = System.nanoTime();
        long nextReport = 1;
        while (!client.awaitDone(100, TimeUnit.MILLISECONDS)) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            check(ms < limit, "client writes through the dup", "the client did not finish writing within "
                    + limit + " ms (" + client.written() + " of " + toneFrames + " frames)");
            if (ms >= nextReport * 1000) {
                say(String.format("    %.1f s:    client wrote %d frames, consumer has %d periods", ms / 1000.0,
                        client.written(), consumer.periods()));
                nextReport++;
            }
        }
        check(client.failure() == null && client.written() == toneFrames, "client writes through the dup",
                "the client wrote " + client.written() + " of " + toneFrames + " frames: " + client.failure());
        // measure again near the end of the tone, while both still run with enough queued for the measurement
        while (playback.status().delay() > PLAYBACK_PERIODS / 2 * PERIOD && playback.state() == PcmState.RUNNING
                && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < limit) {
            Thread.sleep(5);
        }
        double offsetAtEnd = meanOffset(playback, dummy);
        long dummyFrames = dummy.status().hwPtr() - dummyAtStart;
        double drift = offsetAtEnd - offsetAtStart;
        say("    client:   wrote all " + client.written() + " frames; the server unlinks the playback and "
                + "drains it");
        playback.unlink();
        playback.drain();
        dummy.drop();
        PcmStatus playbackEnd = playback.status();
        long dummyPlayed = dummy.status().hwPtr();
        // let the capture complete the period holding the last played frame, and one more
        long target = (capture.status().hwPtr() / PERIOD + 2) * PERIOD;
        while (capture.status().hwPtr() < target && capture.state() == PcmState.RUNNING
                && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < limit) {
            Thread.sleep(5);
        }
        capture.drop();
        check(consumer.awaitDone(DemoConsumer.WAIT_SECONDS, TimeUnit.SECONDS), "consumer finished",
                "the consumer did not finish its WAV file within " + DemoConsumer.WAIT_SECONDS + " s");
        check(consumer.failure() == null, "consumer finished", "the consumer failed: " + consumer.failure());
        PcmStatus captureEnd = capture.status();
        say("    server:   stopped the capture after " + captureEnd.hwPtr() + " frames; the consumer's next fence "
                + "signalled " + consumer.endedWith() + " (no data will complete it) and it closed the WAV file");

        // ------------------------------------------------------------ 5
        say("");
        say(header("5/5 Checks"));
        long recordedPeriods = consumer.periods();
        say("    frames moved: the client wrote " + client.written() + " through its dup (" + pName + " appl_ptr "
                + playbackEnd.applPtr() + ", hw_ptr " + playbackEnd.hwPtr() + " after the drain); " + cName
                + " captured " + captureEnd.hwPtr() + "; the consumer took " + recordedPeriods + " periods ("
                + recordedPeriods * PERIOD + " frames) on their fences and the server gave " + givenBack.get()
                + " back to the ring; " + dName + " played " + dummyPlayed + " frames of silence");
        check(playbackEnd.applPtr() == toneFrames && playbackEnd.hwPtr() >= toneFrames, "frames moved", pName
                + " took " + playbackEnd.applPtr() + " frames and played " + playbackEnd.hwPtr() + "; the client wrote "
                + toneFrames);
        check(recordedPeriods * PERIOD >= toneFrames, "frames moved", "the consumer took " + recordedPeriods
                + " periods, fewer than the " + toneFrames + " frames played");
        check(consumer.endedWith() == Errno.ENOENT, "frames moved", "the consumer's last fence signalled "
                + consumer.endedWith() + ", not ENOENT (the capture stopping)");
        say("    xruns: " + pName + " " + playbackEnd.xrunCount() + ", " + cName + " " + captureEnd.xrunCount());
        check(playbackEnd.xrunCount() == 0 && captureEnd.xrunCount() == 0, "no xruns", "xruns: playback "
                + playbackEnd.xrunCount() + ", capture " + captureEnd.xrunCount());
        long unlinked = Math.round(dummyFrames * (double) SKEW_PPM / 1_000_000);
        say(String.format("    drift against the linked card: %d frames over %.2f s (measured %+.2f: the loopback's "
                + "hw_ptr was %.1f frames ahead of the dummy's after the start and %.1f near the end; on its own "
                + "clock it would have drifted about %d frames)", Math.round(drift), dummyFrames / (double) RATE,
                drift, offsetAtStart, offsetAtEnd, unlinked));
        check(Math.abs(drift) < DRIFT_TOLERANCE, "no drift against the linked card", String.format("the loopback "
                + "moved %+.2f frames against %s over %d frames", drift, dName, dummyFrames));

        byte[] recorded = readWav(received);
        DemoAudio.Match match = DemoAudio.compare(tone, recorded, fb);
        check(match.exact(), "recorded equals played bit-exactly", match.problem());
        say("    recorded audio equals the played audio bit-exactly: all " + toneFrames + " frames, after "
                + match.leadingFrames() + " frames of leading silence (the capture ran before the playback)");
        say(String.format("    WAV: %s (%s, %.2f s)", wav, received.wavFormat(),
                match.recordedFrames() / (double) RATE));
        return CMD + ": every check held (" + held.size() + "): " + String.join(", ", held);
    }

    /**
     * The server's side of the consumer's return channel: the consumer is done
     * with period {@code k}, so the capture's appl_ptr moves past it and the
     * ring may fill it again. Until then the period counts as unread, and a
     * consumer too slow would overrun the capture (an xrun, counted) rather than
     * lose audio silently.
     */
    private static void giveBack(PcmSubstream capture, long k, AtomicLong givenBack, AtomicLong refused) {
        if (capture.state() != PcmState.RUNNING) {
            return;
        }
        try {
            MmapArea area = capture.mmapBegin(PERIOD);
            long expected = (k - 1) % CAPTURE_PERIODS * PERIOD;
            if (area.offset() != expected || area.frames() != PERIOD) {
                refused.incrementAndGet();
                return;
            }
            capture.mmapCommit(area.offset(), PERIOD);
            givenBack.incrementAndGet();
        } catch (ErrnoException e) {
            // stopped meanwhile: nothing will overwrite the ring any more
            if (capture.state() == PcmState.RUNNING) {
                refused.incrementAndGet();
            }
        }
    }

    /**
     * Frames the first substream is ahead of the second, to a fraction of a
     * frame: the mean of paired position reads spread over a few periods, taken
     * in alternating order. Two positions read one after the other differ by a
     * whole frame or not depending on where in a frame (21 us) the reads fall;
     * over many reads at scattered moments, the mean is the true offset. A pair
     * whose two reads lie further apart than {@link #DRIFT_PAIR_NANOS} (the
     * thread was descheduled between them) is read again: it would weigh a
     * scheduler's whim, not the clocks.
     */
    private static double meanOffset(PcmSubstream a, PcmSubstream b) {
        long sum = 0;
        int taken = 0;
        for (int tries = 0; taken < DRIFT_READS; tries++) {
            if (tries > DRIFT_READS * 20) {
                throw new IllegalStateException(CMD + ": check failed: no drift against the linked card: could not "
                        + "read two positions within " + DRIFT_PAIR_NANOS / 1000 + " us of each other (a machine too "
                        + "busy); " + taken + " of " + DRIFT_READS + " pairs taken");
            }
            long t0 = System.nanoTime();
            long d;
            if (taken % 2 == 0) {
                long pa = a.status().hwPtr();
                d = pa - b.status().hwPtr();
            } else {
                long pb = b.status().hwPtr();
                d = a.status().hwPtr() - pb;
            }
            if (System.nanoTime() - t0 <= DRIFT_PAIR_NANOS) {
                sum += d;
                taken++;
            }
            LockSupport.parkNanos(DRIFT_READ_SPACING_NANOS);
        }
        return (double) sum / DRIFT_READS;
    }

    private CardInfo createDummyCard() throws IOException, InterruptedException {
        Configuration c = cm.getFactoryConfiguration(DUMMY_FACTORY_PID, DUMMY_CONFIG_NAME, "?");
        cleanups.push(() -> {
            c.delete();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CARD_WAIT_SECONDS);
            while (core.card(DUMMY).isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("card " + DUMMY + " is still there " + CARD_WAIT_SECONDS
                            + " s after its configuration was deleted");
                }
                Thread.sleep(10);
            }
        });
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("id", DUMMY);
        props.put("name", "pcmshare demo (skewed dummy)");
        props.put("skewPpm", SKEW_PPM);
        props.put("playbackSubstreams", 1);
        props.put("captureSubstreams", 1);
        c.update(props);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CARD_WAIT_SECONDS);
        while (true) {
            Optional<CardInfo> card = core.card(DUMMY);
            boolean there = card.isPresent() && card.get().clockSkewPpm() == SKEW_PPM;
            if (there || System.nanoTime() >= deadline) {
                // recorded whether the card came at once or after a while
                check(there, "dummy card created", "card " + DUMMY + " did not appear within "
                        + CARD_WAIT_SECONDS + " s of its configuration (is driver.dummy running?)");
                return card.get();
            }
            Thread.sleep(10);
        }
    }

    private byte[] readWav(StreamDescription s) throws IOException {
        check(Files.isRegularFile(wav), "WAV written", "no file at " + wav);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            WavFormat f = WavFormat.of(in.getFormat());
            check(f.equals(s.wavFormat()), "WAV written", wav + " holds " + f + ", not " + s.wavFormat());
            return in.readAllBytes();
        } catch (UnsupportedAudioFileException e) {
            throw new IllegalStateException(CMD + ": check failed: WAV written: " + wav + " is not a WAV file "
                    + "javax.sound.sampled can read", e);
        }
    }

    private <T extends AutoCloseable> T hold(T resource) {
        cleanups.push(resource::close);
        return resource;
    }

    private Exception cleanUp() {
        Exception first = null;
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    private void check(boolean holds, String name, String otherwise) {
        if (!holds) {
            fail(name, otherwise);
        }
        held.add(name);
    }

    private static void fail(String name, String why) {
        throw new IllegalStateException(CMD + ": check failed: " + name + ": " + why);
    }

    private String header(String line) {
        step = line.strip();
        return line;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    static String name(String card, int device, int sub, Direction d) {
        return "hw:" + card + "," + device + "," + sub + " " + SubstreamName.lower(d);
    }

    private static String describe(HwParams p) {
        return p.format() + ", " + p.rate() + " Hz, " + p.channels() + " channels, " + p.access() + ", "
                + p.periods() + " periods of " + p.periodSize() + " frames";
    }

    private static String hz(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
