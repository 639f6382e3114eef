package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A loopback card configured through ConfigurationAdmin with a timer source
 * card (by id): the source card's service goes away mid-stream (as when its
 * bundle stops) and the cable keeps running on the loopback's own clock with
 * no frame lost and a log line saying so; the card comes back and is followed
 * again. Runs on the real clock: every wait is for a condition, with a deadline.
 */
class AloopTimerSourceTest {
    private static final String PID = "pcmshare.driver.aloop";
    private static final String CARD = "LoopTs";
    private static final String SOURCE = "AloopTs";
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** 100 ms periods and a 1.6 s ring: a loaded machine does not overrun it. */
    private static final HwParams PARAMS = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 4_800, 16);

    @InjectBundleContext
    BundleContext context;

    @Test
    void timerSourceCardGoesAwayMidStream_cableFallsBackWithoutLosingFrames_andTakesItUpAgain(
            @InjectService(timeout = 5000) ConfigurationAdmin cm,
            @InjectService(timeout = 5000) PcmCore core,
            @InjectService(timeout = 5000) LogReaderService logReader,
            @InjectService(timeout = 5000) LoggerAdmin loggerAdmin) throws Exception {
        loggerAdmin.getLoggerContext("driver.aloop").setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.INFO));
        List<String> lines = new CopyOnWriteArrayList<>();
        LogListener listener = e -> {
            if ("driver.aloop".equals(e.getBundle().getSymbolicName())) {
                lines.add(e.getLogLevel() + " " + e.getMessage());
            }
        };
        logReader.addLogListener(listener);
        ServiceRegistration<SoundCardDriver> source = register();
        Configuration cfg = cm.getFactoryConfiguration(PID, "timer-source-itest", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", CARD);
        props.put("name", "Loopback with a timer source");
        props.put("pcmSubstreams", 1);
        props.put("timerSource", SOURCE);
        cfg.update(props);
        Thread writer = null;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        PcmSubstream p = null;
        PcmSubstream c = null;
        try {
            await("card " + CARD + " in the core", () -> core.card(CARD).isPresent());
            await("the timer source taken up", () -> count(lines, "INFO", "timer source card 'Aloop timer source' ("
                    + SOURCE + ") is present") == 1);

            p = core.open(CARD, 0, Direction.PLAYBACK);
            c = core.open(CARD, 1, Direction.CAPTURE);
            p.hwParams(PARAMS);
            c.hwParams(PARAMS);
            p.prepare();
            c.prepare();
            c.start();
            PcmSubstream playback = p;
            writer = Thread.ofPlatform().name("aloop-itest-writer").start(() -> {
                MemorySegment period = Arena.ofAuto().allocate(PARAMS.periodSize() * 4);
                long frame = 1;
                try {
                    while (!stop.get()) {
                        for (long i = 0; i < PARAMS.periodSize(); i++, frame++) {
                            period.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 4, (short) frame);
                            period.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 4 + 2, (short) (frame >>> 16));
                        }
                        playback.write(period, PARAMS.periodSize());
                    }
                } catch (ErrnoException e) {
                    if (!stop.get()) {
                        writerFailure.set(e);
                    }
                }
            });

            Reader reader = new Reader(c);
            reader.readAtLeast(24_000, () -> true);
            assertThat(reader.counter).as("frames looped with the source present").isGreaterThan(0);

            source.unregister();
            source = null;
            reader.readAtLeast(reader.frames + 24_000, () -> count(lines, "WARN",
                    "timer source card 'Aloop timer source' (" + SOURCE + ") went away") == 1);
            assertThat(c.state()).isEqualTo(PcmState.RUNNING);
            assertThat(p.state()).isEqualTo(PcmState.RUNNING);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN")
                    .contains("fall back to their own clock").contains("1 running cable(s) switched"));

            source = register();
            reader.readAtLeast(reader.frames + 24_000, () -> count(lines, "INFO",
                    "timer source card 'Aloop timer source' (" + SOURCE + ") is present") == 2);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("INFO")
                    .contains("follow its clock (1 running cable(s) switched)"));
            assertThat(c.status().xrunCount()).isZero();
            assertThat(p.status().xrunCount()).isZero();
            assertThat(writerFailure.get()).isNull();
        } finally {
            stop.set(true);
            if (p != null) {
                try {
                    p.drop();
                } catch (ErrnoException ignored) {
                    // already stopped
                }
            }
            if (writer != null) {
                writer.join(TimeUnit.SECONDS.toMillis(10));
            }
            if (p != null) {
                p.close();
            }
            if (c != null) {
                c.close();
            }
            if (source != null) {
                source.unregister();
            }
            cfg.delete();
            logReader.removeLogListener(listener);
        }
    }

    /** Reads the capture, checking every frame: silence until the playback began, then 1, 2, 3, ... */
    private static final class Reader {
        final PcmSubstream capture;
        final MemorySegment buf = Arena.ofAuto().allocate(PARAMS.bufferSize() * 4);
        long frames;
        /** The last counter value seen; 0 while only silence came. */
        long counter;

        Reader(PcmSubstream capture) {
            this.capture = capture;
        }

        void readAtLeast(long target, BooleanSupplier alsoUntil) {
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (frames < target || !alsoUntil.getAsBoolean()) {
                assertThat(System.nanoTime() - deadline).as("deadline reading frame %d", frames).isNegative();
                assertThat(capture.waitAvail(TimeUnit.SECONDS.toNanos(5))).as("capture moves").isTrue();
                long n = capture.read(buf, Math.min(capture.avail(), PARAMS.bufferSize()));
                for (long i = 0; i < n; i++) {
                    long lo = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 4) & 0xffff;
                    long hi = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 4 + 2) & 0xffff;
                    long v = hi << 16 | lo;
                    if (counter == 0 && v == 0) {
                        continue;
                    }
                    assertThat(v).as("frame %d of the capture", frames + i).isEqualTo(counter + 1);
                    counter = v;
                }
                frames += n;
            }
        }
    }

    private ServiceRegistration<SoundCardDriver> register() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("id", SOURCE);
        return context.registerService(SoundCardDriver.class, new SourceCard(), props);
    }

    private static long count(List<String> lines, String level, String text) {
        return lines.stream().filter(l -> l.startsWith(level) && l.contains(text)).count();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("deadline waiting for %s", what).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** A card whose clock runs 2000 ppm fast; only its clock matters here, it is never opened. */
    private static final class SourceCard implements SoundCardDriver {
        @Override
        public String id() {
            return SOURCE;
        }

        @Override
        public String name() {
            return "Aloop timer source";
        }

        @Override
        public long clockSkewPpm() {
            return 2000;
        }

        @Override
        public List<PcmDeviceInfo> devices() {
            HwConstraints h = HwConstraints.typical();
            return List.of(new PcmDeviceInfo(0, "source pcm", 1, 1, h, h));
        }

        @Override
        public PcmOps open(PcmRuntime runtime) {
            return new PcmOps() {
                @Override
                public void trigger(Trigger command) {
                }

                @Override
                public long pointer() {
                    return 0;
                }
            };
        }
    }
}
