package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.MmapArea;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/** The cable rules of snd-aloop, on a manual clock. */
class LoopbackTest {
    private static final HwParams STD = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 4);

    static Stream<Arguments> formatsRatesChannels() {
        List<Arguments> out = new ArrayList<>();
        for (SampleFormat f : List.of(SampleFormat.S16_LE, SampleFormat.S24_3LE, SampleFormat.S32_LE,
                SampleFormat.FLOAT_LE)) {
            // rate, channels, period, playback periods, capture periods: rings of different sizes wrap apart
            out.add(Arguments.of(f, 8_000, 1, 64, 4, 3));
            out.add(Arguments.of(f, 44_100, 2, 441, 3, 5));
            out.add(Arguments.of(f, 48_000, 6, 333, 4, 4));
            out.add(Arguments.of(f, 96_000, 8, 1000, 2, 7));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} Hz {2} ch, period {3}, rings {4}/{5} periods")
    @MethodSource("formatsRatesChannels")
    @DisplayName("copy_play_buf: capture reads what playback wrote, bit-exact, across ring wrap-around")
    void loopback_isBitExact_acrossWrapAround(SampleFormat format, int rate, int channels, int period,
            int playbackPeriods, int capturePeriods) {
        AloopRig rig = new AloopRig();
        HwParams pp = HwParams.of(format, channels, rate, period, playbackPeriods);
        PcmSubstream p = rig.playback(0, 0, pp);
        PcmSubstream c = rig.capture(1, 0, pp.withPeriods(capturePeriods));
        int fb = pp.frameBytes();
        long total = pp.bufferSize() * 6 + period / 3;
        MemorySegment data = AloopRig.randomFrames(format.ordinal() * 1000L + rate, total, fb);
        AloopRig.Pump pump = new AloopRig.Pump(p, c, data, fb, total + 10L * period);
        p.prepare();
        c.prepare();
        c.start();
        // irregular steps, so that copies start and end anywhere in the rings
        long[] steps = { pp.framesToNanos(period), pp.framesToNanos(period) * 7 / 10, pp.framesToNanos(period / 3),
                pp.framesToNanos(period) * 13 / 10 };
        for (int i = 0; pump.read < total && i < 100_000; i++) {
            pump.feed();
            rig.clock.advance(steps[i % steps.length]);
            pump.drain();
        }
        assertThat(pump.read).isGreaterThanOrEqualTo(total);
        assertThat(MemorySegment.mismatch(pump.received, 0, total * fb, data, 0, total * fb))
                .as("first byte that differs").isEqualTo(-1);
        assertThat(c.status().xrunCount()).isZero();
    }

    @Test
    @DisplayName("copy_play_buf: non-interleaved access is copied channel by channel, bit-exact")
    void loopback_isBitExact_nonInterleaved() {
        AloopRig rig = new AloopRig();
        HwParams pp = new HwParams(Access.RW_NONINTERLEAVED, SampleFormat.S32_LE, 3, 48_000, 256, 3);
        PcmSubstream p = rig.playback(0, 0, pp);
        PcmSubstream c = rig.capture(1, 0, pp.withPeriods(5));
        long total = 256 * 20;
        MemorySegment[] in = new MemorySegment[3];
        MemorySegment[] out = new MemorySegment[3];
        for (int ch = 0; ch < 3; ch++) {
            in[ch] = AloopRig.randomFrames(ch, total, 4);
            out[ch] = Arena.ofAuto().allocate(total * 4);
        }
        p.prepare();
        c.prepare();
        c.start();
        long written = 0;
        long read = 0;
        MemorySegment[] win = new MemorySegment[3];
        MemorySegment[] wout = new MemorySegment[3];
        for (int i = 0; read < total && i < 10_000; i++) {
            long room = Math.min(p.avail(), total - written);
            if (room > 0) {
                for (int ch = 0; ch < 3; ch++) {
                    win[ch] = in[ch].asSlice(written * 4);
                }
                written += p.write(win, room);
            }
            rig.clock.advance(pp.framesToNanos(100));
            long a = Math.min(c.avail(), total - read);
            if (a > 0) {
                for (int ch = 0; ch < 3; ch++) {
                    wout[ch] = out[ch].asSlice(read * 4);
                }
                read += c.read(wout, a);
            }
        }
        for (int ch = 0; ch < 3; ch++) {
            assertThat(MemorySegment.mismatch(out[ch], 0, total * 4, in[ch], 0, total * 4)).as("channel %d", ch)
                    .isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("COHERENT_BUFFER: the capture ring is the memory the cable writes; a mapping sees each period while "
            + "the capture runs, with no sync step")
    void coherentBuffer_mappedCaptureRingHoldsEachPeriodWhileRunning() {
        AloopRig rig = new AloopRig();
        HwParams mmap = STD.withAccess(Access.MMAP_INTERLEAVED);
        PcmSubstream p = rig.playback(0, 0, STD);
        PcmSubstream c = rig.capture(1, 0, mmap);
        assertThat(p.constraints().has(PcmCapability.COHERENT_BUFFER)).as("playback declares it").isTrue();
        assertThat(c.constraints().has(PcmCapability.COHERENT_BUFFER)).as("capture declares it").isTrue();
        long period = mmap.periodSize();
        int fb = mmap.frameBytes();
        long total = mmap.bufferSize() * 3;
        MemorySegment data = AloopRig.randomFrames(11, total, fb);
        try (PcmMapping ring = c.map()) {
            MemorySegment mem = ring.memory().segment();
            p.swParams(p.swParams().withStartThreshold(p.swParams().boundary()));
            // the feed ends with the last period: no underrun then
            AloopRig.freeRunning(p);
            p.prepare();
            c.prepare();
            long written = p.write(data, mmap.bufferSize());
            c.start();
            p.start();
            for (long k = 0; k < total / period; k++) {
                rig.clock.advance(mmap.framesToNanos(period));
                assertThat(c.state()).isEqualTo(PcmState.RUNNING);
                long at = k % mmap.periods() * period * fb;
                assertThat(MemorySegment.mismatch(mem, at, at + period * fb, data, k * period * fb,
                        (k + 1) * period * fb)).as("period %d read through the mapping", k).isEqualTo(-1);
                // give the period back and keep the playback fed, as a consumer of the mapping does
                MmapArea area = c.mmapBegin(period);
                assertThat(area.offset() * fb).isEqualTo(at);
                c.mmapCommit(area.offset(), period);
                long room = written < total ? Math.min(p.avail(), total - written) : 0;
                if (room > 0) {
                    written += p.write(data.asSlice(written * fb), room);
                }
            }
            assertThat(c.status().xrunCount()).isZero();
        }
    }

    @Test
    @DisplayName("clear_capture_buf: a capture with no playback running reads the format's silence")
    void captureOnly_readsSilence() {
        LoopbackSettings s = LoopbackSettings.defaults();
        EnumSet<SampleFormat> fs = EnumSet.copyOf(s.formats());
        fs.add(SampleFormat.U8);
        AloopRig rig = new AloopRig(new LoopbackSettings(s.id(), s.name(), 2, false, "", fs, s.rates(),
                s.channels()));
        // U8's silence is 0x80: a ring left as allocated (zeros) would not pass
        HwParams u8 = HwParams.of(SampleFormat.U8, 2, 8_000, 64, 4);
        PcmSubstream c = rig.capture(1, 0, u8);
        c.prepare();
        c.start();
        MemorySegment got = Arena.ofAuto().allocate(64L * 4 * 3 * 2);
        long read = 0;
        for (int i = 0; i < 12; i++) {
            rig.clock.advance(u8.framesToNanos(64));
            read += c.read(got.asSlice(read * 2), c.avail());
        }
        assertThat(read).isEqualTo(64L * 12);
        for (long i = 0; i < read * 2; i++) {
            assertThat(got.get(ValueLayout.JAVA_BYTE, i)).as("byte %d", i).isEqualTo((byte) 0x80);
        }
    }

    @Test
    @DisplayName("clear_capture_buf: once the playback stops, the capture reads silence, not the old ring")
    void captureAfterPlaybackStops_readsSilence() {
        AloopRig rig = new AloopRig();
        PcmSubstream p = rig.playback(0, 0, STD);
        PcmSubstream c = rig.capture(1, 0, STD);
        long total = 480 * 8;
        MemorySegment data = AloopRig.randomFrames(7, total, 4);
        AloopRig.Pump pump = new AloopRig.Pump(p, c, data, 4, total + 480 * 12);
        p.prepare();
        c.prepare();
        c.start();
        while (pump.written < total) {
            pump.feed();
            rig.clock.advance(STD.framesToNanos(480));
            pump.drain();
        }
        p.drop();
        long stoppedAt = c.status().hwPtr();
        c.hwsync();
        stoppedAt = c.status().hwPtr();
        for (int i = 0; i < 10; i++) {
            rig.clock.advance(STD.framesToNanos(480));
            pump.drain();
        }
        assertThat(pump.read).isGreaterThan(stoppedAt + 480 * 8);
        assertThat(MemorySegment.mismatch(pump.received, 0, stoppedAt * 4, data, 0, stoppedAt * 4)).isEqualTo(-1);
        for (long f = stoppedAt; f < pump.read; f++) {
            assertThat(pump.received.get(ValueLayout.JAVA_INT_UNALIGNED, f * 4)).as("frame %d", f).isZero();
        }
    }

    @Test
    @DisplayName("copy_play_buf drain trim: a draining playback delivers exactly up to its appl_ptr, then silence")
    void drain_deliversExactlyWhatWasWritten() {
        AloopRig rig = new AloopRig();
        HwParams hp = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 256, 4);
        PcmSubstream p = rig.playback(0, 0, hp);
        PcmSubstream c = rig.capture(1, 0, hp.withPeriods(8));
        // more than a ring: stale frames lie beyond appl_ptr, which a copy that ignored it would deliver
        long total = 256 * 9 + 77;
        MemorySegment data = AloopRig.randomFrames(11, total, 4);
        AloopRig.Pump pump = new AloopRig.Pump(p, c, data, 4, total + 256 * 20);
        p.prepare();
        c.prepare();
        c.start();
        while (pump.written < total) {
            pump.feed();
            rig.clock.advance(hp.framesToNanos(256));
            pump.drain();
        }
        ErrnoException again = catchThrowableOfType(ErrnoException.class, p::drain);
        assertThat(again.errno()).isEqualTo(Errno.EAGAIN);
        assertThat(p.state()).isEqualTo(PcmState.DRAINING);
        for (int i = 0; i < 100 && p.state() == PcmState.DRAINING; i++) {
            rig.clock.advance(hp.framesToNanos(100));
            pump.drain();
        }
        assertThat(p.state()).isEqualTo(PcmState.SETUP);
        for (int i = 0; i < 6; i++) {
            rig.clock.advance(hp.framesToNanos(256));
            pump.drain();
        }
        assertThat(pump.read).isGreaterThan(total + 256 * 4);
        assertThat(MemorySegment.mismatch(pump.received, 0, total * 4, data, 0, total * 4)).isEqualTo(-1);
        for (long f = total; f < pump.read; f++) {
            assertThat(pump.received.get(ValueLayout.JAVA_INT_UNALIGNED, f * 4)).as("frame %d", f).isZero();
        }
    }

    static Stream<Arguments> mismatches() {
        return Stream.of(
                Arguments.of("format", STD.withFormat(SampleFormat.S32_LE)),
                Arguments.of("rate", STD.withRate(44_100)),
                Arguments.of("channels", STD.withChannels(1)),
                Arguments.of("period_size", STD.withPeriodSize(256)),
                Arguments.of("access", STD.withAccess(Access.RW_NONINTERLEAVED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatches")
    @DisplayName("loopback hw rules: the first end to set hw_params fixes the cable; the other end's mismatch is EINVAL naming it")
    void hwParams_otherEndMustMatch_EINVALNamesTheParameter(String param, HwParams other) {
        for (boolean playbackFirst : new boolean[] { true, false }) {
            AloopRig rig = new AloopRig();
            PcmSubstream first = playbackFirst ? rig.playback(0, 0, STD) : rig.capture(1, 0, STD);
            PcmSubstream second = playbackFirst ? rig.open(Direction.CAPTURE, 1, 0)
                    : rig.open(Direction.PLAYBACK, 0, 0);
            ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> second.hwParams(other));
            assertThat(e).as("%s first", first.direction()).isNotNull();
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.operation()).isEqualTo("hw_params");
            assertThat(e.getMessage()).startsWith("EINVAL").contains(param + " ").contains("fixed by");
            assertThat(second.state()).isEqualTo(PcmState.OPEN);
            // same parameters, and a different number of periods, are fine
            assertThat(second.hwParams(STD.withPeriods(7))).isNotNull();
            second.hwFree();
            // once the end that fixed them lets go, the cable is free again
            first.hwFree();
            assertThat(second.hwParams(other)).isEqualTo(other);
        }
    }

    @Test
    @DisplayName("loopback_check_format with pcm_notify: playback may change the cable; a running capture stops into DRAINING and must set hw_params again (EIO)")
    void pcmNotify_playbackChangeStopsCaptureIntoDraining() {
        AloopRig rig = new AloopRig(LoopbackSettings.defaults().withPcmNotify(true));
        PcmSubstream p = rig.playback(0, 0, STD);
        PcmSubstream c = rig.capture(1, 0, STD);
        MemorySegment data = AloopRig.randomFrames(3, 480 * 4, 4);
        AloopRig.Pump pump = new AloopRig.Pump(p, c, data, 4, 480 * 20);
        p.prepare();
        c.prepare();
        c.start();
        pump.feed();
        rig.clock.advance(STD.framesToNanos(480 * 2));
        p.drop();
        HwParams changed = STD.withRate(44_100).withPeriodSize(441);
        assertThat(p.hwParams(changed)).isEqualTo(changed);
        rig.clock.runDue();
        assertThat(c.state()).isEqualTo(PcmState.DRAINING);
        // what was captured before can still be read; then the capture is in SETUP
        long avail = c.avail();
        assertThat(avail).isEqualTo(480 * 2);
        pump.drain();
        assertThat(c.read(Arena.ofAuto().allocate(4), 1)).isZero();
        assertThat(c.state()).isEqualTo(PcmState.SETUP);
        c.prepare();
        ErrnoException eio = catchThrowableOfType(ErrnoException.class, c::start);
        assertThat(eio.errno()).isEqualTo(Errno.EIO);
        assertThat(eio.getMessage()).contains("changed its parameters");
        // the playback's parameters now fix the cable
        ErrnoException einval = catchThrowableOfType(ErrnoException.class, () -> c.hwParams(STD));
        assertThat(einval.errno()).isEqualTo(Errno.EINVAL);
        assertThat(einval.getMessage()).contains("rate 48000");
        c.hwParams(changed);
        c.prepare();
        c.start();
        assertThat(c.state()).isEqualTo(PcmState.RUNNING);
    }

    @Test
    @DisplayName("without pcm_notify a playback cannot change the cable a capture fixed")
    void noPcmNotify_playbackChangeIsEINVAL() {
        AloopRig rig = new AloopRig();
        rig.capture(1, 0, STD);
        PcmSubstream p = rig.open(Direction.PLAYBACK, 0, 0);
        ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> p.hwParams(STD.withRate(44_100)));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("rate 44100").contains("capture 1,0");
    }

    @Test
    @DisplayName("cables: playback d,s loops to capture d^1,s; each cable is independent of the others")
    void cables_areIndependent() {
        AloopRig rig = new AloopRig(LoopbackSettings.defaults().withSubstreams(2));
        HwParams[] params = { HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 4),
                HwParams.of(SampleFormat.S32_LE, 1, 44_100, 441, 3),
                HwParams.of(SampleFormat.FLOAT_LE, 4, 48_000, 256, 5),
                HwParams.of(SampleFormat.S24_3LE, 2, 96_000, 960, 2) };
        int[][] ends = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
        AloopRig.Pump[] pumps = new AloopRig.Pump[4];
        for (int i = 0; i < 4; i++) {
            int dev = ends[i][0];
            int sub = ends[i][1];
            PcmSubstream p = rig.playback(dev, sub, params[i]);
            PcmSubstream c = rig.capture(dev ^ 1, sub, params[i]);
            long total = params[i].rate() / 5;
            pumps[i] = new AloopRig.Pump(p, c, AloopRig.randomFrames(100 + i, total, params[i].frameBytes()),
                    params[i].frameBytes(), total + params[i].rate());
            p.prepare();
            c.prepare();
            c.start();
        }
        for (int step = 0; step < 400; step++) {
            for (AloopRig.Pump pump : pumps) {
                pump.feed();
            }
            rig.clock.advance(1_000_000);
            for (AloopRig.Pump pump : pumps) {
                pump.drain();
            }
        }
        for (int i = 0; i < 4; i++) {
            AloopRig.Pump pump = pumps[i];
            long bytes = pump.totalFrames() * pump.frameBytes;
            assertThat(pump.read).as("cable %d", i).isGreaterThanOrEqualTo(pump.totalFrames());
            assertThat(MemorySegment.mismatch(pump.received, 0, bytes, pump.data, 0, bytes)).as("cable %d", i)
                    .isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3, 8 })
    @DisplayName("pcm_substreams: two devices with N substreams each way")
    void pcmSubstreams_makesTwoDevicesOfNSubstreams(int n) {
        AloopRig rig = new AloopRig(LoopbackSettings.defaults().withSubstreams(n));
        var card = rig.engine.card(rig.cardId).orElseThrow();
        assertThat(card.devices()).hasSize(2);
        assertThat(card.devices()).allSatisfy(d -> {
            assertThat(d.playbackSubstreams()).isEqualTo(n);
            assertThat(d.captureSubstreams()).isEqualTo(n);
            assertThat(d.playbackConstraints().rates()).isEqualTo(Range.of(8_000, 192_000));
        });
        assertThat(rig.cardId).isEqualTo("Loopback");
    }
}
