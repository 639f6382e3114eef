package pcmshare.driver.kit.check;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.driver.kit.CardRemover;
import pcmshare.driver.kit.ConformanceFailure;
import pcmshare.driver.kit.Rule;
import pcmshare.driver.kit.RuleResult;
import pcmshare.driver.kit.RuleResult.Outcome;

/**
 * The rules, one method each. A run of one rule opens what it needs, closes
 * everything it opened whatever happens, and reports the first violation as a
 * {@link ConformanceFailure} naming the rule, the substream and the step.
 */
public final class Checks {
    private static final long SECOND = 1_000_000_000L;
    /** Buffers larger than this are not allocated just to probe a constraint edge. */
    private static final long PROBE_BYTES_LIMIT = 64L << 20;

    private final Settings settings;
    private final List<PcmSubstream> opened = new ArrayList<>();
    private Rule rule;
    private PcmCore core;
    private Arena arena;

    public Checks(Settings settings) {
        this.settings = settings;
    }

    /** Thrown by a rule the card cannot be checked for. */
    private static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String why) {
            super(why, null, false, false);
        }
    }

    /** One device and direction of the card, checked through its first substream. */
    private record Target(String cardId, PcmDeviceInfo device, Direction direction) {
        HwConstraints constraints() {
            return device.constraints(direction);
        }

        int substreams() {
            return device.substreams(direction);
        }

        boolean playback() {
            return direction == Direction.PLAYBACK;
        }

        @Override
        public String toString() {
            return cardId + "," + device.device() + " " + direction.name().toLowerCase();
        }
    }

    public RuleResult run(Rule r) {
        this.rule = r;
        arena = Arena.ofShared();
        try {
            core = findCore();
            String what = switch (r) {
                case CARD_LISTED -> cardListed();
                case OPEN_EVERY_SUBSTREAM -> openEverySubstream();
                case CONSTRAINTS_ENFORCED -> constraintsEnforced();
                case CONSTRAINTS_HONOURED -> constraintsHonoured();
                case STATE_TRANSITIONS -> stateTransitions();
                case PAUSE_HOLDS_POSITION -> pauseHoldsPosition();
                case RING_BUFFER_WRAPAROUND -> wraparound();
                case POINTER_MONOTONIC -> pointerMonotonic();
                case POINTER_FOLLOWS_CLOCK -> pointerFollowsClock();
                case DRAIN -> drain();
                case XRUN -> xrun();
                case DISCONNECT -> disconnect();
            };
            return new RuleResult(r, Outcome.PASSED, what, null);
        } catch (Skip e) {
            return new RuleResult(r, Outcome.SKIPPED, e.getMessage(), null);
        } catch (ConformanceFailure f) {
            return new RuleResult(r, Outcome.FAILED, f.getMessage(), f);
        } catch (Throwable t) {
            ConformanceFailure f = new ConformanceFailure(r, "unexpected " + t, t);
            return new RuleResult(r, Outcome.FAILED, f.getMessage(), f);
        } finally {
            for (PcmSubstream s : opened) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // closing is best effort here; the rule's outcome is what counts
                }
            }
            opened.clear();
            arena.close();
        }
    }

    private ConformanceFailure fail(String detail) {
        return new ConformanceFailure(rule, detail);
    }

    private ConformanceFailure fail(String detail, Throwable cause) {
        return new ConformanceFailure(rule, detail + ": " + cause.getMessage(), cause);
    }

    // ---------------------------------------------------------------- services and the card

    private PcmCore findCore() {
        if (settings.core() != null) {
            return settings.core();
        }
        BundleContext c = settings.context();
        long deadline = System.nanoTime() + settings.serviceTimeoutNanos();
        for (;;) {
            ServiceReference<PcmCore> ref = c.getServiceReference(PcmCore.class);
            if (ref != null) {
                PcmCore found = c.getService(ref);
                if (found != null) {
                    // the core is a singleton of core.api: the kit keeps using it for the run, not beyond
                    c.ungetService(ref);
                    return found;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw fail("no PcmCore service within " + settings.serviceTimeoutNanos() / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private CardInfo card() {
        return awaitCard(true);
    }

    private CardInfo awaitCard(boolean present) {
        long deadline = System.nanoTime() + settings.serviceTimeoutNanos();
        for (;;) {
            Optional<CardInfo> c = core.card(settings.cardId());
            if (c.isPresent() == present) {
                return c.orElse(null);
            }
            if (System.nanoTime() - deadline > 0) {
                throw fail("card " + settings.cardId() + (present ? " is not listed by the PcmCore" : " is still listed")
                        + " after " + settings.serviceTimeoutNanos() / 1_000_000 + " ms; cards: "
                        + core.cards().stream().map(CardInfo::id).toList());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private List<Target> targets(CardInfo card) {
        List<Target> list = new ArrayList<>();
        for (PcmDeviceInfo d : card.devices()) {
            for (Direction dir : Direction.values()) {
                if (d.substreams(dir) > 0) {
                    list.add(new Target(card.id(), d, dir));
                }
            }
        }
        return list;
    }

    /** The driver service behind the card, found by its id, with the bundle that registered it; null if none. */
    private ServiceReference<SoundCardDriver> driverService() {
        BundleContext c = settings.context();
        if (c == null) {
            return null;
        }
        Collection<ServiceReference<SoundCardDriver>> refs;
        try {
            refs = c.getServiceReferences(SoundCardDriver.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<SoundCardDriver> ref : refs) {
            SoundCardDriver d = c.getService(ref);
            if (d == null) {
                continue;
            }
            try {
                if (settings.cardId().equals(d.id())) {
                    return ref;
                }
            } finally {
                c.ungetService(ref);
            }
        }
        return null;
    }

    private PcmSubstream open(Target t, int subdevice) {
        PcmSubstream s;
        try {
            s = core.open(t.cardId(), t.device().device(), t.direction(), subdevice, false);
        } catch (ErrnoException e) {
            throw fail(t + ": open of substream " + subdevice + " refused", e);
        }
        opened.add(s);
        return s;
    }

    private void close(PcmSubstream s) {
        opened.remove(s);
        s.close();
    }

    // ---------------------------------------------------------------- parameters

    /** The parameters the streaming rules use: the configured ones, else S16_LE stereo near 48 kHz, ~10 ms periods. */
    private HwParams base(Target t) {
        HwConstraints c = t.constraints();
        if (settings.params() != null) {
            HwParams p = settings.params();
            if (!c.accesses().contains(p.access())) {
                p = p.withAccess(pickAccess(c));
            }
            return p;
        }
        Access access = pickAccess(c);
        SampleFormat format = pick(c.formats(), SampleFormat.S16_LE, SampleFormat.S32_LE, SampleFormat.FLOAT_LE,
                SampleFormat.S24_LE, SampleFormat.U8, SampleFormat.S8);
        int channels = (int) clamp(2, c.channels());
        int rate = pickRate(c, 48_000);
        // periods of the power of two nearest to 10 ms, 16 of them: a buffer of about
        // 170 ms, so that a test thread the machine holds back does not underrun
        long tenMs = Math.max(1, rate / 100);
        long low = Long.highestOneBit(tenMs);
        long period = clamp(tenMs - low < 2 * low - tenMs ? low : 2 * low, c.periodSize());
        HwParams p = fitPeriodSize(c, new HwParams(access, format, channels, rate, period, (int) clamp(16, c.periods())),
                period);
        if (p == null) {
            p = fitPeriods(c, new HwParams(access, format, channels, rate, period, (int) clamp(16, c.periods())),
                    (int) clamp(16, c.periods()));
        }
        if (p == null) {
            throw fail(t + ": no period size and period count make a buffer size inside " + c.bufferSize()
                    + " (period_size " + c.periodSize() + ", periods " + c.periods() + ")");
        }
        return p;
    }

    /** Read/write access when declared, so transfers are the common path; mmap otherwise. */
    private static Access pickAccess(HwConstraints c) {
        return pick(c.accesses(), Access.RW_INTERLEAVED, Access.RW_NONINTERLEAVED, Access.MMAP_INTERLEAVED,
                Access.MMAP_NONINTERLEAVED);
    }

    @SafeVarargs
    private static <E extends Enum<E>> E pick(Set<E> allowed, E... preferred) {
        for (E e : preferred) {
            if (allowed.contains(e)) {
                return e;
            }
        }
        return allowed.iterator().next();
    }

    private static int pickRate(HwConstraints c, int wanted) {
        if (!c.discreteRates().isEmpty()) {
            int best = c.discreteRates().get(0);
            for (int r : c.discreteRates()) {
                if (Math.abs(r - wanted) < Math.abs(best - wanted)) {
                    best = r;
                }
            }
            return best;
        }
        return (int) clamp(wanted, c.rates());
    }

    private static long clamp(long v, Range r) {
        return Math.max(r.min(), Math.min(r.max(), v));
    }

    /** {@code p} with this period size and a period count that puts the buffer inside the constraints, or null. */
    private static HwParams fitPeriodSize(HwConstraints c, HwParams p, long periodSize) {
        if (periodSize < 1) {
            return null;
        }
        long periods = clamp(p.periods(), c.periods());
        if (periodSize * periods < c.bufferSize().min()) {
            periods = Math.ceilDiv(c.bufferSize().min(), periodSize);
        }
        if (periodSize * periods > c.bufferSize().max()) {
            periods = c.bufferSize().max() / periodSize;
        }
        if (!c.periods().contains(periods) || periods > Integer.MAX_VALUE
                || !c.bufferSize().contains(periodSize * periods)) {
            return null;
        }
        return p.withPeriodSize(periodSize).withPeriods((int) periods);
    }

    /** {@code p} with this period count and a period size that puts the buffer inside the constraints, or null. */
    private static HwParams fitPeriods(HwConstraints c, HwParams p, long periods) {
        if (periods < 1 || periods > Integer.MAX_VALUE) {
            return null;
        }
        long size = clamp(p.periodSize(), c.periodSize());
        if (size * periods < c.bufferSize().min()) {
            size = Math.ceilDiv(c.bufferSize().min(), periods);
        }
        if (size * periods > c.bufferSize().max()) {
            size = c.bufferSize().max() / periods;
        }
        if (!c.periodSize().contains(size) || !c.bufferSize().contains(size * periods)) {
            return null;
        }
        return p.withPeriodSize(size).withPeriods((int) periods);
    }

    /** {@code p} with exactly this buffer size, or null when no allowed period size and count make it. */
    private static HwParams fitBufferSize(HwConstraints c, HwParams p, long bufferSize) {
        long maxPeriods = Math.min(c.periods().max(), 4096);
        for (long n = c.periods().min(); n <= maxPeriods; n++) {
            if (bufferSize % n == 0 && c.periodSize().contains(bufferSize / n)) {
                return p.withPeriodSize(bufferSize / n).withPeriods((int) n);
            }
        }
        return null;
    }

    private static String describe(HwParams p) {
        return p.access() + " " + p.format() + " " + p.channels() + " ch " + p.rate() + " Hz, period " + p.periodSize()
                + " x " + p.periods();
    }

    private static long nanos(HwParams p, long frames) {
        return p.framesToNanos(frames);
    }

    // ---------------------------------------------------------------- card-listed

    private String cardListed() {
        CardInfo card = card();
        if (card.devices().isEmpty()) {
            throw fail("card " + card.id() + " declares no PCM device");
        }
        if (settings.context() != null && driverService() == null) {
            throw fail("no SoundCardDriver service says id " + settings.cardId()
                    + " (the core suffixes the id of a card whose id was taken)");
        }
        for (PcmDeviceInfo d : card.devices()) {
            if (d.playbackSubstreams() < 0 || d.captureSubstreams() < 0
                    || d.playbackSubstreams() + d.captureSubstreams() == 0) {
                throw fail("device " + d.device() + " declares " + d.playbackSubstreams() + " playback and "
                        + d.captureSubstreams() + " capture substreams");
            }
        }
        for (Target t : targets(card)) {
            HwConstraints c = t.constraints();
            if (c == null) {
                throw fail(t + ": no constraints declared");
            }
            if (c.accesses().isEmpty() || c.formats().isEmpty()) {
                throw fail(t + ": no access mode or no sample format declared: " + c);
            }
            if (c.rates().min() < 1 || c.channels().min() < 1 || c.periodSize().min() < 1 || c.periods().min() < 1) {
                throw fail(t + ": a range starts below 1: " + c);
            }
            for (int r : c.discreteRates()) {
                if (!c.rates().contains(r)) {
                    throw fail(t + ": discrete rate " + r + " outside the rate range " + c.rates());
                }
            }
            base(t);
        }
        return card.devices().size() + " device(s), " + targets(card).size() + " device/direction pair(s)";
    }

    // ---------------------------------------------------------------- open-every-substream

    private String openEverySubstream() {
        CardInfo card = card();
        List<PcmSubstream> all = new ArrayList<>();
        for (Target t : targets(card)) {
            for (int i = 0; i < t.substreams(); i++) {
                PcmSubstream s = open(t, i);
                if (s.subdevice() != i || s.direction() != t.direction() || s.device() != t.device().device()) {
                    throw fail(t + ": opening substream " + i + " gave " + s.device() + "/" + s.direction() + "#"
                            + s.subdevice());
                }
                if (s.state() != PcmState.OPEN) {
                    throw fail(t + "#" + i + ": a new substream is " + s.state() + ", not OPEN");
                }
                all.add(s);
                int sub = i;
                expectRefused(Errno.EBUSY, t + ": a second open of substream " + i,
                        () -> core.open(t.cardId(), t.device().device(), t.direction(), sub, false).close());
            }
            expectRefused(Errno.EBUSY, t + ": opening the first free substream with all " + t.substreams() + " open",
                    () -> core.open(t.cardId(), t.device().device(), t.direction(), -1, false).close());
        }
        // all of them run at once
        long longest = 0;
        for (PcmSubstream s : all) {
            Target t = targetOf(card, s);
            HwParams p = base(t);
            step(t + "#" + s.subdevice() + " setup", () -> {
                s.hwParams(p);
                s.prepare();
                if (t.playback()) {
                    s.swParams(s.swParams().withStartThreshold(s.swParams().boundary()));
                    fillBuffer(s, p);
                }
            });
            longest = Math.max(longest, nanos(p, p.bufferSize()));
        }
        for (PcmSubstream s : all) {
            step(s.device() + "/" + s.direction() + "#" + s.subdevice() + " start", s::start);
        }
        long deadline = System.nanoTime() + 2 * longest + 2 * SECOND;
        for (PcmSubstream s : all) {
            String name = s.device() + "/" + s.direction() + "#" + s.subdevice();
            if (!waitAvail(s, deadline)) {
                throw fail(name + ": no period elapsed while every substream ran: status " + s.status());
            }
            if (s.status().hwPtr() <= 0) {
                throw fail(name + ": hw_ptr did not move while every substream ran: status " + s.status());
            }
        }
        for (PcmSubstream s : all) {
            close(s);
        }
        for (Target t : targets(card)) {
            for (int i = 0; i < t.substreams(); i++) {
                close(open(t, i));
            }
        }
        return all.size() + " substreams opened, run together and reopened after close";
    }

    private Target targetOf(CardInfo card, PcmSubstream s) {
        for (Target t : targets(card)) {
            if (t.device().device() == s.device() && t.direction() == s.direction()) {
                return t;
            }
        }
        throw new IllegalStateException("no target for " + s);
    }

    /** Writes a whole buffer of silence into a prepared playback that does not start by itself. */
    private void fillBuffer(PcmSubstream s, HwParams p) {
        Io io = new Io(s, p, arena, p.bufferSize(), null);
        long deadline = System.nanoTime() + 2 * SECOND;
        long done = 0;
        while (done < p.bufferSize()) {
            done += io.transfer(p.bufferSize() - done, deadline);
        }
    }

    // ---------------------------------------------------------------- constraints

    private record Probe(String what, HwParams params) {
    }

    private String constraintsEnforced() {
        int probes = 0;
        for (Target t : targets(card())) {
            HwConstraints c = t.constraints();
            HwParams b = base(t);
            List<Probe> list = new ArrayList<>();
            Range ch = c.channels();
            if (ch.min() - 1 >= 0) {
                list.add(new Probe("channels " + (ch.min() - 1) + " below " + ch, b.withChannels((int) ch.min() - 1)));
            }
            if (ch.max() < Integer.MAX_VALUE) {
                list.add(new Probe("channels " + (ch.max() + 1) + " above " + ch, b.withChannels((int) ch.max() + 1)));
            }
            Range rates = c.rates();
            if (rates.min() - 1 >= 1) {
                list.add(new Probe("rate " + (rates.min() - 1) + " below " + rates, b.withRate((int) rates.min() - 1)));
            }
            if (rates.max() < Integer.MAX_VALUE) {
                list.add(new Probe("rate " + (rates.max() + 1) + " above " + rates, b.withRate((int) rates.max() + 1)));
            }
            discrete:
            for (int r : c.discreteRates()) {
                for (int candidate : new int[] { r + 1, r - 1 }) {
                    if (rates.contains(candidate) && !c.discreteRates().contains(candidate)) {
                        list.add(new Probe("rate " + candidate + " not in " + c.discreteRates(), b.withRate(candidate)));
                        break discrete;
                    }
                }
            }
            Range ps = c.periodSize();
            if (ps.min() - 1 >= 1) {
                list.add(new Probe("period_size " + (ps.min() - 1) + " below " + ps, b.withPeriodSize(ps.min() - 1)));
            }
            list.add(new Probe("period_size " + (ps.max() + 1) + " above " + ps, b.withPeriodSize(ps.max() + 1)
                    .withPeriods((int) c.periods().min())));
            Range pr = c.periods();
            if (pr.min() - 1 >= 1) {
                list.add(new Probe("periods " + (pr.min() - 1) + " below " + pr, b.withPeriods((int) pr.min() - 1)));
            }
            if (pr.max() < Integer.MAX_VALUE) {
                list.add(new Probe("periods " + (pr.max() + 1) + " above " + pr, b.withPeriodSize(ps.min())
                        .withPeriods((int) pr.max() + 1)));
            }
            Range buf = c.bufferSize();
            if (ps.min() * pr.min() < buf.min()) {
                list.add(new Probe("buffer_size " + ps.min() * pr.min() + " below " + buf, b.withPeriodSize(ps.min())
                        .withPeriods((int) pr.min())));
            }
            HwParams above = fitAbove(c, b);
            if (above != null) {
                list.add(new Probe("buffer_size " + above.bufferSize() + " above " + buf, above));
            }
            for (SampleFormat f : EnumSet.complementOf(EnumSet.copyOf(c.formats()))) {
                list.add(new Probe("format " + f + " not in " + c.formats(), b.withFormat(f)));
            }
            Set<Access> undeclared = EnumSet.allOf(Access.class);
            undeclared.removeAll(c.accesses());
            for (Access a : undeclared) {
                list.add(new Probe("access " + a + " not in " + c.accesses(), b.withAccess(a)));
            }

            PcmSubstream s = open(t, -1);
            for (Probe probe : list) {
                probes++;
                ErrnoException refused = null;
                try {
                    s.hwParams(probe.params());
                } catch (ErrnoException e) {
                    refused = e;
                }
                if (refused == null) {
                    s.hwFree();
                    throw fail(t + ": hw_params accepted " + probe.what() + " (" + describe(probe.params())
                            + "); it must be EINVAL");
                }
                if (refused.errno() != Errno.EINVAL) {
                    throw fail(t + ": hw_params with " + probe.what() + " was " + refused.errno()
                            + ", not EINVAL: " + refused.getMessage());
                }
                if (s.state() != PcmState.OPEN) {
                    throw fail(t + ": after refusing " + probe.what() + " the substream is " + s.state()
                            + ", not OPEN");
                }
            }
            close(s);
        }
        return probes + " values just outside the declared constraints refused with EINVAL";
    }

    /** A buffer just above the largest allowed, made of an allowed period size and count, or null. */
    private static HwParams fitAbove(HwConstraints c, HwParams b) {
        long max = c.bufferSize().max();
        for (long n = c.periods().min(); n <= Math.min(c.periods().max(), 4096); n++) {
            long size = max / n + 1;
            if (c.periodSize().contains(size) && size * n > max && (size * n - max) <= size) {
                return b.withPeriodSize(size).withPeriods((int) n);
            }
        }
        return null;
    }

    private String constraintsHonoured() {
        int probes = 0;
        int skipped = 0;
        for (Target t : targets(card())) {
            HwConstraints c = t.constraints();
            HwParams b = base(t);
            List<Probe> list = new ArrayList<>();
            list.add(new Probe("channels " + c.channels().min() + " (min of " + c.channels() + ")",
                    b.withChannels((int) c.channels().min())));
            list.add(new Probe("channels " + c.channels().max() + " (max of " + c.channels() + ")",
                    b.withChannels((int) Math.min(Integer.MAX_VALUE, c.channels().max()))));
            if (c.discreteRates().isEmpty()) {
                list.add(new Probe("rate " + c.rates().min() + " (min of " + c.rates() + ")",
                        b.withRate((int) c.rates().min())));
                list.add(new Probe("rate " + c.rates().max() + " (max of " + c.rates() + ")",
                        b.withRate((int) Math.min(Integer.MAX_VALUE, c.rates().max()))));
            } else {
                for (int r : c.discreteRates()) {
                    list.add(new Probe("rate " + r + " (of " + c.discreteRates() + ")", b.withRate(r)));
                }
            }
            for (SampleFormat f : c.formats()) {
                list.add(new Probe("format " + f + " (of " + c.formats() + ")", b.withFormat(f)));
            }
            for (Access a : c.accesses()) {
                list.add(new Probe("access " + a + " (of " + c.accesses() + ")", b.withAccess(a)));
            }
            for (long size : new long[] { c.periodSize().min(), c.periodSize().max() }) {
                addFitted(list, "period_size " + size + " (edge of " + c.periodSize() + ")",
                        fitPeriodSize(c, b, size));
            }
            for (long n : new long[] { c.periods().min(), c.periods().max() }) {
                addFitted(list, "periods " + n + " (edge of " + c.periods() + ")", fitPeriods(c, b, n));
            }
            for (long size : new long[] { c.bufferSize().min(), c.bufferSize().max() }) {
                addFitted(list, "buffer_size " + size + " (edge of " + c.bufferSize() + ")",
                        fitBufferSize(c, b, size));
            }

            PcmSubstream s = open(t, -1);
            for (Probe probe : list) {
                if (probe.params() == null || probe.params().bufferBytes() > PROBE_BYTES_LIMIT) {
                    skipped++;
                    continue;
                }
                probes++;
                try {
                    s.hwParams(probe.params());
                } catch (ErrnoException e) {
                    throw fail(t + ": hw_params refused " + probe.what() + ", which the card declares ("
                            + describe(probe.params()) + ")", e);
                }
                try {
                    s.prepare();
                } catch (ErrnoException e) {
                    throw fail(t + ": prepare refused after hw_params with " + probe.what() + " ("
                            + describe(probe.params()) + ")", e);
                }
                s.hwFree();
            }
            close(s);
        }
        return probes + " declared edges accepted by hw_params and prepare" + (skipped > 0 ? "; " + skipped
                + " edges not reachable with the other constraints or above " + (PROBE_BYTES_LIMIT >> 20)
                + " MiB" : "");
    }

    private static void addFitted(List<Probe> list, String what, HwParams p) {
        list.add(new Probe(what, p));
    }

    // ---------------------------------------------------------------- state-transitions

    private String stateTransitions() {
        int walked = 0;
        for (Target t : targets(card())) {
            HwConstraints c = t.constraints();
            HwParams p = base(t);
            PcmSubstream s = open(t, -1);
            String n = t + "#" + s.subdevice();
            expectState(s, PcmState.OPEN, n + " after open");
            if (s.hwParams() != null) {
                throw fail(n + ": hw params " + s.hwParams() + " before hw_params");
            }
            expectRefused(Errno.EBADFD, n + ": prepare in OPEN", s::prepare);
            expectRefused(Errno.EBADFD, n + ": start in OPEN", s::start);
            expectRefused(Errno.EBADFD, n + ": drop in OPEN", s::drop);

            step(n + ": hw_params " + describe(p) + " in OPEN", () -> s.hwParams(p));
            expectState(s, PcmState.SETUP, n + " after hw_params");
            if (!p.equals(s.hwParams())) {
                throw fail(n + ": hw params in force " + s.hwParams() + " differ from those set " + p);
            }
            expectRefused(Errno.EBADFD, n + ": start in SETUP", s::start);

            step(n + ": prepare in SETUP", s::prepare);
            expectState(s, PcmState.PREPARED, n + " after prepare");
            if (t.playback()) {
                expectRefused(Errno.EPIPE, n + ": start of a playback with nothing queued", s::start);
                expectState(s, PcmState.PREPARED, n + " after refused start");
                step(n + ": sw_params start_threshold=boundary",
                        () -> s.swParams(s.swParams().withStartThreshold(s.swParams().boundary())));
                step(n + ": fill the buffer", () -> fillBuffer(s, p));
                expectState(s, PcmState.PREPARED, n + " after filling the buffer below the start threshold");
            }
            step(n + ": start in PREPARED", s::start);
            expectState(s, PcmState.RUNNING, n + " after start");
            awaitPeriod(s, p, n + " running");
            expectRefused(Errno.EBUSY, n + ": prepare while RUNNING", s::prepare);
            expectRefused(Errno.EBADFD, n + ": hw_params while RUNNING", () -> s.hwParams(p));

            if (c.has(PcmCapability.PAUSE)) {
                step(n + ": pause push", () -> s.pause(true));
                expectState(s, PcmState.PAUSED, n + " after pause push");
                step(n + ": pause release", () -> s.pause(false));
                expectState(s, PcmState.RUNNING, n + " after pause release");
            } else {
                expectRefused(Errno.ENOSYS, n + ": pause without the PAUSE capability", () -> s.pause(true));
                expectState(s, PcmState.RUNNING, n + " after a refused pause");
            }

            step(n + ": suspend while RUNNING", s::suspend);
            expectState(s, PcmState.SUSPENDED, n + " after suspend");
            expectRefused(Errno.ESTRPIPE, n + ": avail while SUSPENDED", s::avail);
            if (c.has(PcmCapability.RESUME)) {
                step(n + ": resume", s::resume);
                PcmState after = s.state();
                if (after != PcmState.RUNNING && after != PcmState.XRUN) {
                    throw fail(n + ": after resume the substream is " + after + ", not RUNNING");
                }
            } else {
                expectRefused(Errno.ENOSYS, n + ": resume without the RESUME capability", s::resume);
                step(n + ": prepare after suspend", s::prepare);
                expectState(s, PcmState.PREPARED, n + " after prepare from SUSPENDED");
            }

            step(n + ": drop", s::drop);
            expectState(s, PcmState.SETUP, n + " after drop");
            step(n + ": prepare again", s::prepare);
            expectState(s, PcmState.PREPARED, n + " after the second prepare");
            step(n + ": hw_free in PREPARED", s::hwFree);
            expectState(s, PcmState.OPEN, n + " after hw_free");
            step(n + ": hw_params again after hw_free", () -> s.hwParams(p));
            expectState(s, PcmState.SETUP, n + " after hw_params again");
            close(s);
            expectRefused(Errno.EBADF, n + ": avail on a closed handle", s::avail);
            walked++;
        }
        return walked + " device/direction pair(s) walked through every state";
    }

    // ---------------------------------------------------------------- pause-holds-position

    private String pauseHoldsPosition() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            HwConstraints c = t.constraints();
            HwParams p = base(t);
            PcmSubstream s = open(t, -1);
            String n = t + "#" + s.subdevice();
            s.hwParams(p);
            s.prepare();
            if (!c.has(PcmCapability.PAUSE)) {
                if (t.playback()) {
                    fillBuffer(s, p);
                } else {
                    s.start();
                }
                expectRefused(Errno.ENOSYS, n + ": pause without the PAUSE capability", () -> s.pause(true));
                what.append(n).append(": no PAUSE capability, pause is ENOSYS; ");
                close(s);
                continue;
            }
            if (t.playback()) {
                s.swParams(s.swParams().withStartThreshold(s.swParams().boundary()));
                fillBuffer(s, p);
                s.start();
                awaitPeriod(s, p, n + " before pause");
                topUp(s, p);
            } else {
                s.start();
                awaitPeriod(s, p, n + " before pause");
                drainCapture(s, p);
            }
            // a wait that can only end at its deadline while paused
            s.swParams(s.swParams().withAvailMin(p.bufferSize()));
            step(n + ": pause push", () -> s.pause(true));
            long before = s.status().hwPtr();
            long waitNanos = nanos(p, 3 * p.periodSize());
            boolean woke = s.waitAvail(waitNanos);
            PcmStatus paused = s.status();
            if (paused.state() != PcmState.PAUSED) {
                throw fail(n + ": the substream left PAUSED by itself: " + paused);
            }
            if (paused.hwPtr() != before) {
                throw fail(n + ": hw_ptr moved from " + before + " to " + paused.hwPtr() + " while PAUSED for "
                        + waitNanos / 1_000_000 + " ms" + (woke ? " (and a waiter was woken)" : ""));
            }
            step(n + ": pause release", () -> s.pause(false));
            s.swParams(s.swParams().withAvailMin(p.periodSize()));
            long deadline = System.nanoTime() + 2 * nanos(p, p.bufferSize()) + 2 * SECOND;
            long target = before + p.periodSize();
            while (s.status().hwPtr() < target) {
                if (!waitAvail(s, deadline)) {
                    throw fail(n + ": hw_ptr did not move on after pause release: " + s.status());
                }
                if (t.playback()) {
                    topUp(s, p);
                } else {
                    drainCapture(s, p);
                }
            }
            close(s);
            what.append(n).append(": hw_ptr held at ").append(before).append(" for ").append(waitNanos / 1_000_000)
                    .append(" ms; ");
        }
        return what.toString();
    }

    /** Refills a running playback's free space, so that it cannot underrun during a check. */
    private void topUp(PcmSubstream s, HwParams p) {
        Io io = new Io(s, p, arena, p.bufferSize(), null);
        long avail = s.avail();
        if (avail > 0) {
            io.transfer(avail, System.nanoTime() + SECOND);
        }
    }

    /** Reads what a running capture holds, so that it cannot overrun during a check. */
    private void drainCapture(PcmSubstream s, HwParams p) {
        Io io = new Io(s, p, arena, p.bufferSize(), null);
        long avail = s.avail();
        if (avail > 0) {
            io.transfer(avail, System.nanoTime() + SECOND);
        }
    }

    // ---------------------------------------------------------------- ring-buffer-wraparound

    private String wraparound() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            HwConstraints c = t.constraints();
            HwParams p = base(t);
            List<HwParams> variants = new ArrayList<>(List.of(p));
            for (Access a : List.of(Access.MMAP_INTERLEAVED, Access.MMAP_NONINTERLEAVED)) {
                if (!p.access().isMmap() && c.accesses().contains(a)) {
                    variants.add(p.withAccess(a));
                    break;
                }
            }
            for (HwParams v : variants) {
                long frames = wrapOnce(t, v);
                what.append(t).append(' ').append(v.access()).append(": ").append(frames).append(" frames; ");
            }
        }
        return what.toString();
    }

    private long wrapOnce(Target t, HwParams p) {
        PcmSubstream s = open(t, -1);
        String n = t + "#" + s.subdevice() + " " + p.access();
        step(n + ": hw_params " + describe(p), () -> s.hwParams(p));
        s.prepare();
        long boundary = s.swParams().boundary();
        long buffer = p.bufferSize();
        long total = 3 * buffer + p.periodSize() / 2 + 1;
        // a chunk that does not divide the buffer, so transfers and mmap areas meet its end mid-way
        long chunk = Math.max(1, p.periodSize() + p.periodSize() / 2 + 1);
        Io io = new Io(s, p, arena, chunk, (area, applBefore) -> {
            long offset = applBefore % buffer;
            if (area.offset() != offset) {
                throw fail(n + ": mmap_begin gave offset " + area.offset() + " where appl_ptr " + applBefore
                        + " is at buffer frame " + offset);
            }
            if (area.offset() + area.frames() > buffer) {
                throw fail(n + ": mmap_begin gave " + area.frames() + " frames at " + area.offset()
                        + ", past the end of a " + buffer + "-frame buffer");
            }
        });
        long deadline = System.nanoTime() + nanos(p, total) * 3 + 5 * SECOND;
        long done = 0;
        long lastHw = 0;
        while (done < total) {
            long moved;
            try {
                moved = io.transfer(total - done, deadline);
            } catch (ErrnoException e) {
                throw fail(n + ": transfer after " + done + " of " + total + " frames refused", e);
            }
            if (moved <= 0) {
                throw fail(n + ": a blocking transfer moved " + moved + " frames after " + done);
            }
            done += moved;
            PcmStatus st = s.status();
            if (st.state() == PcmState.XRUN) {
                throw fail(n + ": " + (t.playback() ? "underrun" : "overrun") + " after " + done
                        + " frames although the application kept up: " + st);
            }
            if (st.applPtr() != done % boundary) {
                throw fail(n + ": appl_ptr is " + st.applPtr() + " after " + done + " frames were transferred");
            }
            long fill = t.playback() ? st.applPtr() - st.hwPtr() : st.hwPtr() - st.applPtr();
            if (fill < 0) {
                fill += boundary;
            }
            if (st.state() == PcmState.RUNNING && (fill < 0 || fill > buffer)) {
                throw fail(n + ": " + fill + " frames between hw_ptr " + st.hwPtr() + " and appl_ptr "
                        + st.applPtr() + ", more than the " + buffer + "-frame buffer");
            }
            long expectAvail = t.playback() ? buffer - fill : fill;
            if (st.state() == PcmState.RUNNING && st.avail() != expectAvail) {
                throw fail(n + ": avail " + st.avail() + " disagrees with hw_ptr " + st.hwPtr() + " and appl_ptr "
                        + st.applPtr() + " (expected " + expectAvail + ")");
            }
            if (st.hwPtr() < lastHw) {
                throw fail(n + ": hw_ptr went back from " + lastHw + " to " + st.hwPtr());
            }
            lastHw = st.hwPtr();
        }
        if (t.playback()) {
            io.startIfPrepared();
            step(n + ": drain", s::drain);
            PcmStatus st = s.status();
            if (st.hwPtr() < done) {
                throw fail(n + ": after drain hw_ptr " + st.hwPtr() + " is short of the " + done + " frames written");
            }
        } else {
            if (s.status().hwPtr() < 3 * buffer) {
                throw fail(n + ": hw_ptr " + s.status().hwPtr() + " after reading " + done + " frames");
            }
            s.drop();
        }
        close(s);
        return done;
    }

    // ---------------------------------------------------------------- pointers against the clock

    private record Sample(long hwPtr, long applPtr, long cardNanos, long realNanos, long realWidth, PcmState state) {
    }

    private Sample sample(PcmSubstream s) {
        long before = System.nanoTime();
        PcmStatus st = s.status();
        long after = System.nanoTime();
        return new Sample(st.hwPtr(), st.applPtr(), st.timestampNanos(), before + (after - before) / 2,
                after - before, st.state());
    }

    /** Starts a stream and keeps it fed (playback) or emptied (capture) by blocking transfers, sampling after each. */
    private final class Runner {
        final Target t;
        final HwParams p;
        final PcmSubstream s;
        final Io io;
        final String n;

        Runner(Target t) {
            this.t = t;
            this.p = base(t);
            this.s = open(t, -1);
            this.n = t + "#" + s.subdevice();
            s.hwParams(p);
            s.prepare();
            this.io = new Io(s, p, arena, p.periodSize(), null);
            if (t.playback()) {
                s.swParams(s.swParams().withStartThreshold(s.swParams().boundary()));
                fillBuffer(s, p);
            }
            s.start();
        }

        /** One period's transfer, blocking; an xrun is a failure of the rule being checked. */
        void step(long deadline) {
            try {
                io.transfer(p.periodSize(), deadline);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EPIPE) {
                    throw fail(n + ": the stream stopped with XRUN although the application kept up ("
                            + (t.playback() ? "the buffer was kept full" : "every period was read")
                            + "); status " + s.status(), e);
                }
                throw fail(n + ": transfer refused", e);
            }
        }
    }

    private String pointerMonotonic() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            Runner r = new Runner(t);
            HwParams p = r.p;
            long boundary = r.s.swParams().boundary();
            long runFor = Math.max(nanos(p, 2 * p.bufferSize()), 200_000_000L);
            long deadline = System.nanoTime() + runFor + 5 * SECOND;
            long end = System.nanoTime() + runFor;
            Sample prev = sample(r.s);
            int samples = 1;
            while (System.nanoTime() - end < 0) {
                // samples in a row between transfers catch a pointer that moves between periods as well
                for (int i = 0; i < 8; i++) {
                    Sample now = sample(r.s);
                    checkStep(r, prev, now, boundary);
                    prev = now;
                    samples++;
                }
                r.step(deadline);
            }
            close(r.s);
            what.append(r.n).append(": ").append(samples).append(" samples; ");
        }
        return what.toString();
    }

    private void checkStep(Runner r, Sample a, Sample b, long boundary) {
        if (b.state() != PcmState.RUNNING) {
            throw fail(r.n + ": the stream left RUNNING (" + b.state() + ") while the application kept up; hw_ptr "
                    + a.hwPtr() + " -> " + b.hwPtr());
        }
        long delta = b.hwPtr() - a.hwPtr();
        if (delta < 0 && -delta < boundary / 2) {
            throw fail(r.n + ": hw_ptr went back from " + a.hwPtr() + " to " + b.hwPtr());
        }
        if (delta < 0) {
            delta += boundary;
        }
        long dt = Math.max(0, b.cardNanos() - a.cardNanos());
        long allowed = allowance(r.p, dt);
        if (delta > allowed) {
            throw fail(r.n + ": hw_ptr jumped " + delta + " frames (" + a.hwPtr() + " -> " + b.hwPtr() + ") in "
                    + dt / 1000 + " us; at " + r.p.rate() + " Hz at most " + allowed + " can pass in that time"
                    + " (a period of " + r.p.periodSize() + " included). A driver pointer that runs backwards reads"
                    + " as a jump of nearly a buffer: the core takes a smaller position for a wrap of the ring buffer");
        }
    }

    /**
     * Frames that may pass in {@code dt}: rate x dt with 0.5 % and 20 ms to spare (a driver that moves its pointer
     * from a timer may report a period late), plus one period of granularity.
     */
    private static long allowance(HwParams p, long dtNanos) {
        long frames = dtNanos / SECOND * p.rate() + dtNanos % SECOND * p.rate() / SECOND;
        return frames + frames / 200 + p.rate() / 50 + p.periodSize();
    }

    private String pointerFollowsClock() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            Runner r = new Runner(t);
            HwParams p = r.p;
            long deadline = System.nanoTime() + settings.measureNanos() + nanos(p, 4 * p.bufferSize()) + 5 * SECOND;
            r.step(deadline);
            Sample a = sample(r.s);
            Sample b = a;
            while (b.cardNanos() - a.cardNanos() < settings.measureNanos()) {
                r.step(deadline);
                b = sample(r.s);
                if (b.state() != PcmState.RUNNING) {
                    throw fail(r.n + ": the stream left RUNNING (" + b.state() + ") while it was measured");
                }
            }
            long advance = b.hwPtr() - a.hwPtr();
            long cardDt = b.cardNanos() - a.cardNanos();
            long expected = cardDt / SECOND * p.rate() + cardDt % SECOND * p.rate() / SECOND;
            // a period of granularity at either end, 0.5 % of rate error, 5 ms of timer latency
            long tolerance = p.periodSize() + expected / 200 + p.rate() / 200;
            if (Math.abs(advance - expected) > tolerance) {
                throw fail(r.n + ": hw_ptr advanced " + advance + " frames in " + cardDt / 1_000_000 + " ms of the card's"
                        + " clock, where " + p.rate() + " Hz makes " + expected + " (+/- " + tolerance + ")");
            }
            // the card's clock is the monotonic clock with the card's skew
            long realDt = b.realNanos() - a.realNanos();
            long skew = core.card(t.cardId()).map(CardInfo::clockSkewPpm).orElse(0L);
            long realExpected = (long) ((double) realDt * p.rate() / SECOND * (1 + skew / 1e6));
            long realTolerance = tolerance + (a.realWidth() + b.realWidth()) * p.rate() / SECOND + 1;
            if (Math.abs(advance - realExpected) > realTolerance) {
                throw fail(r.n + ": hw_ptr advanced " + advance + " frames in " + realDt / 1_000_000 + " ms of the"
                        + " monotonic clock, where " + p.rate() + " Hz" + (skew != 0 ? " at " + skew + " ppm" : "")
                        + " makes " + realExpected + " (+/- " + realTolerance + ")");
            }
            close(r.s);
            what.append(r.n).append(": ").append(advance).append(" frames in ").append(cardDt / 1_000_000)
                    .append(" ms, expected ").append(expected).append("; ");
        }
        return what.toString();
    }

    // ---------------------------------------------------------------- drain

    private String drain() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            HwParams p = base(t);
            PcmSubstream s = open(t, -1);
            String n = t + "#" + s.subdevice();
            s.hwParams(p);
            s.prepare();
            if (t.playback()) {
                Io io = new Io(s, p, arena, p.bufferSize(), null);
                long queued = Math.min(p.bufferSize(), 2 * p.periodSize());
                io.transfer(queued, System.nanoTime() + 2 * SECOND);
                io.startIfPrepared();
                PcmStatus before = s.status();
                long pending = before.applPtr() - before.hwPtr();
                long t0 = System.nanoTime();
                step(n + ": drain with " + pending + " frames queued", s::drain);
                long took = System.nanoTime() - t0;
                PcmStatus after = s.status();
                if (after.state() != PcmState.SETUP) {
                    throw fail(n + ": after drain the substream is " + after.state() + ", not SETUP");
                }
                if (after.hwPtr() < before.applPtr()) {
                    throw fail(n + ": drain returned with hw_ptr " + after.hwPtr() + " short of appl_ptr "
                            + before.applPtr() + ": queued frames were dropped");
                }
                long minimum = nanos(p, Math.max(0, pending - p.periodSize())) - 2_000_000;
                if (took < minimum) {
                    throw fail(n + ": drain returned after " + took / 1000 + " us, but " + pending
                            + " frames take " + nanos(p, pending) / 1000 + " us to play");
                }
                what.append(n).append(": ").append(pending).append(" frames drained in ").append(took / 1_000_000)
                        .append(" ms; ");
            } else {
                s.start();
                awaitPeriod(s, p, n + " before drain");
                step(n + ": drain of a running capture", s::drain);
                PcmState st = s.state();
                if (st != PcmState.DRAINING && st != PcmState.SETUP) {
                    throw fail(n + ": after drain the capture is " + st + ", not DRAINING or SETUP");
                }
                Io io = new Io(s, p, arena, p.bufferSize(), null);
                long left = 0;
                long deadline = System.nanoTime() + 2 * SECOND;
                while (s.state() == PcmState.DRAINING) {
                    long avail = s.avail();
                    if (avail == 0) {
                        break;
                    }
                    left += io.transfer(avail, deadline);
                }
                if (!p.access().isMmap() && s.state() == PcmState.DRAINING) {
                    // a read that finds nothing left ends the drain (pcm_lib.c __snd_pcm_lib_xfer)
                    long more = io.transfer(1, deadline);
                    if (more != 0) {
                        throw fail(n + ": a read found " + more + " more frame(s) after avail said 0 while DRAINING");
                    }
                }
                if (p.access().isMmap() && s.state() == PcmState.DRAINING && s.avail() == 0) {
                    s.drop();
                }
                if (s.state() != PcmState.SETUP) {
                    throw fail(n + ": after reading the " + left + " frames left the capture is " + s.state()
                            + ", not SETUP");
                }
                what.append(n).append(": ").append(left).append(" frames read after drain; ");
            }
            close(s);
        }
        return what.toString();
    }

    // ---------------------------------------------------------------- xrun

    private String xrun() {
        StringBuilder what = new StringBuilder();
        for (Target t : targets(card())) {
            HwParams p = base(t);
            PcmSubstream s = open(t, -1);
            String n = t + "#" + s.subdevice();
            s.hwParams(p);
            s.prepare();
            // wake only at a full buffer, which is the xrun itself
            s.swParams(s.swParams().withAvailMin(p.bufferSize()));
            Io io = new Io(s, p, arena, p.periodSize(), null);
            if (t.playback()) {
                io.transfer(p.periodSize(), System.nanoTime() + SECOND);
                io.startIfPrepared();
            } else {
                s.start();
            }
            long deadline = System.nanoTime() + 3 * nanos(p, p.bufferSize()) + 3 * SECOND;
            awaitXrun(s, n, deadline);
            PcmStatus st = s.status();
            if (st.xrunCount() < 1) {
                throw fail(n + ": in XRUN with an xrun count of " + st.xrunCount());
            }
            expectRefused(Errno.EPIPE, n + ": " + (t.playback() ? "write" : "read") + " in XRUN",
                    () -> io.transfer(1, System.nanoTime() + SECOND));
            step(n + ": prepare after XRUN", s::prepare);
            expectState(s, PcmState.PREPARED, n + " after prepare from XRUN");
            s.swParams(s.swParams().withAvailMin(p.periodSize()));
            if (t.playback()) {
                io.transfer(p.periodSize(), System.nanoTime() + SECOND);
                io.startIfPrepared();
            } else {
                s.start();
            }
            expectState(s, PcmState.RUNNING, n + " after restarting from XRUN");
            close(s);
            what.append(n).append(": ").append(t.playback() ? "underrun" : "overrun").append(" detected, recovered; ");
        }
        return what.toString();
    }

    private void awaitXrun(PcmSubstream s, String n, long deadline) {
        for (;;) {
            if (s.state() == PcmState.XRUN) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw fail(n + ": no XRUN within " + " the deadline although " + (s.direction() == Direction.PLAYBACK
                        ? "nothing more was written" : "nothing was read") + ": status " + s.status());
            }
            try {
                s.waitAvail(left);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EPIPE) {
                    throw fail(n + ": waiting for the xrun", e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- disconnect

    private String disconnect() throws Exception {
        CardInfo card = card();
        CardRemover remover = settings.remover();
        if (remover == null) {
            ServiceReference<SoundCardDriver> ref = driverService();
            if (ref == null) {
                throw new Skip("no SoundCardDriver service with id " + settings.cardId()
                        + " to find the bundle by, and no CardRemover given");
            }
            Bundle b = ref.getBundle();
            if (b == null) {
                throw fail("the card's driver service went away before the check");
            }
            Bundle self = settings.context().getBundle();
            if (b.getBundleId() == 0 || b.equals(self)) {
                throw new Skip("the card is registered by " + b.getSymbolicName()
                        + ", which the kit must not stop; give the kit a CardRemover");
            }
            remover = CardRemover.stoppingBundle(b);
        }
        List<Target> targets = targets(card);
        List<PcmSubstream> running = new ArrayList<>();
        List<PcmSubstream> idle = new ArrayList<>();
        for (Target t : targets) {
            HwParams p = base(t);
            PcmSubstream s = open(t, -1);
            s.hwParams(p);
            s.prepare();
            if (t.playback()) {
                // free-running: this rule is about disconnect, and an underrun of a slow
                // test thread must not stand in for it
                long boundary = s.swParams().boundary();
                s.swParams(s.swParams().withStartThreshold(boundary).withStopThreshold(boundary));
                fillBuffer(s, p);
            }
            s.start();
            running.add(s);
            if (t.substreams() > 1) {
                idle.add(open(t, -1));
            }
        }
        remover.remove();
        boolean restored = false;
        try {
            awaitCard(false);
            for (PcmSubstream s : running) {
                String n = s.device() + "/" + s.direction() + "#" + s.subdevice();
                await(() -> s.state() == PcmState.DISCONNECTED, n + " becomes DISCONNECTED");
                expectGone(n + ": avail after the card went away", s::avail);
                expectGone(n + ": prepare after the card went away", s::prepare);
                expectGone(n + ": " + (s.direction() == Direction.PLAYBACK ? "write" : "read")
                        + " after the card went away", () -> {
                            Io io = new Io(s, s.hwParams() == null ? base(targetOf(card, s)) : s.hwParams(), arena,
                                    1, null);
                            io.transfer(1, System.nanoTime() + SECOND);
                        });
                if (s.status().state() != PcmState.DISCONNECTED) {
                    throw fail(n + ": status says " + s.status().state() + " after the card went away");
                }
            }
            for (PcmSubstream s : idle) {
                String n = s.device() + "/" + s.direction() + "#" + s.subdevice() + " (OPEN)";
                await(() -> s.state() == PcmState.DISCONNECTED, n + " becomes DISCONNECTED");
                expectGone(n + ": hw_params after the card went away", () -> s.hwParams(base(targetOf(card, s))));
            }
            Target first = targets.getFirst();
            expectRefusedAny(Set.of(Errno.ENODEV), "open after the card went away",
                    () -> core.open(first.cardId(), first.device().device(), first.direction(), -1, false).close());
            remover.restore();
            restored = true;
        } finally {
            if (!restored) {
                remover.restore();
            }
        }
        awaitCard(true);
        for (PcmSubstream s : running) {
            close(s);
        }
        for (PcmSubstream s : idle) {
            close(s);
        }
        // the card is usable again
        Target t = targets.getFirst();
        HwParams p = base(t);
        PcmSubstream again = open(t, -1);
        step(t + ": hw_params after the card came back", () -> again.hwParams(p));
        again.prepare();
        if (t.playback()) {
            long boundary = again.swParams().boundary();
            again.swParams(again.swParams().withStartThreshold(boundary).withStopThreshold(boundary));
            fillBuffer(again, p);
        }
        again.start();
        awaitPeriod(again, p, t + " after the card came back");
        close(again);
        return running.size() + " running and " + idle.size() + " idle substreams disconnected; " + remover
                + " brought the card back";
    }

    private void expectGone(String what, Runnable call) {
        expectRefusedAny(Set.of(Errno.EBADFD, Errno.ENODEV), what, call);
    }

    // ---------------------------------------------------------------- helpers

    private void awaitPeriod(PcmSubstream s, HwParams p, String what) {
        long deadline = System.nanoTime() + 2 * nanos(p, p.bufferSize()) + 2 * SECOND;
        if (!waitAvail(s, deadline)) {
            throw fail(what + ": no period elapsed within " + (deadline - System.nanoTime()) / 1_000_000
                    + " ms: status " + s.status());
        }
    }

    private boolean waitAvail(PcmSubstream s, long deadline) {
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (s.waitAvail(left)) {
                return true;
            }
        }
    }

    private void step(String what, Runnable call) {
        try {
            call.run();
        } catch (ErrnoException e) {
            throw fail(what + " refused", e);
        }
    }

    private void expectState(PcmSubstream s, PcmState expected, String when) {
        PcmState st = s.state();
        if (st != expected) {
            throw fail(when + ": state " + st + ", expected " + expected);
        }
    }

    private void expectRefused(Errno errno, String what, Runnable call) {
        expectRefusedAny(Set.of(errno), what, call);
    }

    private void expectRefusedAny(Set<Errno> errnos, String what, Runnable call) {
        try {
            call.run();
        } catch (ErrnoException e) {
            if (!errnos.contains(e.errno())) {
                throw fail(what + " was " + e.errno() + ", expected " + errnos + ": " + e.getMessage(), e);
            }
            return;
        }
        throw fail(what + " succeeded; expected " + errnos);
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + settings.serviceTimeoutNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
