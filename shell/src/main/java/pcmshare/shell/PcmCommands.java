package pcmshare.shell;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.SubstreamInfo;
import pcmshare.core.api.pcm.SubstreamView;
import pcmshare.core.api.pcm.hw.HwSpace;

/**
 * The {@code pcm} commands that look at cards and substreams, and the ones that
 * hold substreams open in the shell so that they can be linked.
 *
 * <p>Substreams are named as in ALSA, {@code hw:CARD,DEV,SUB} (see
 * {@link SubstreamName}). Substreams the shell holds: {@code pcm:open} opens
 * one and sets its hardware parameters (state SETUP), and the shell keeps it
 * open until {@code pcm:close}, or until the shell bundle stops. {@code
 * pcm:link} and {@code pcm:unlink} act on those, as ALSA links act on open
 * substreams. Everything else reads what the core reports, whoever holds the
 * substream.
 */
// immediate: the substreams it holds must not go when no command is running
@Component(service = PcmCommands.class, immediate = true)
@GogoCommand(scope = "pcm", function = {"cards", "list", "status", "params", "open", "close", "link", "unlink"})
public final class PcmCommands {
    /** The holder name of substreams held by {@code pcm:open}, as listings show it. */
    static final String HOLDER = "shell (pcm:open)";
    static final String OWN_CLOCK = "own clock";

    private final BundleContext context;
    private final PcmCore core;
    /** Substreams the shell holds, by canonical name. */
    private final Map<String, PcmSubstream> held = new ConcurrentHashMap<>();

    private final ServiceComponentRuntime scr;
    private final Logger logger;

    /**
     * @param logger the OSGi log, where the shell says that it let go of a substream whose card went away
     *               (the console shows pcmshare's warnings); without one, the console directly
     */
    @Activate
    public PcmCommands(BundleContext context, @Reference PcmCore core, @Reference ServiceComponentRuntime scr,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.RELUCTANT) Logger logger) {
        this.context = context;
        this.core = core;
        this.scr = scr;
        this.logger = logger;
    }

    @Deactivate
    void deactivate() {
        held.values().forEach(PcmSubstream::close);
        held.clear();
    }

    // ------------------------------------------------------------------ cards

    @Descriptor("lists the sound cards: index, id, name, the bundle of the driver that registered the card, "
            + "the timer source pacing it (the driver's " + SoundCardDriver.TIMER_SOURCE_PROPERTY
            + " service property; 'own clock' without one) and its clock skew; then one line per card "
            + "configuration a driver refused: 'ID: not created: PROPERTY = VALUE: why (file)'; with -v, what "
            + "each device accepts in each direction: access, formats, rates, channels, period and buffer sizes, "
            + "periods and capabilities")
    public String cards(
            @Descriptor("also what each card accepts") @Parameter(names = {"-v", "--verbose"}, absentValue = "false",
                    presentValue = "true") boolean verbose) {
        List<CardInfo> cards = core.cards();
        RefusedCards refused = RefusedCards.of(scr);
        List<DriverService> drivers = driverServices(refused.componentIds());
        Set<DriverService> used = new HashSet<>();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-5s %-14s %-28s %-18s %-22s %s%n", "INDEX", "ID", "NAME", "DRIVER BUNDLE",
                "TIMER SOURCE", "SKEW"));
        for (int i = 0; i < cards.size(); i++) {
            CardInfo c = cards.get(i);
            Optional<DriverService> d = driverOf(c, drivers, used);
            out.append(String.format("%-5d %-14s %-28s %-18s %-22s %d ppm%n", c.index() >= 0 ? c.index() : i, c.id(),
                    c.name(),
                    d.map(DriverService::bundle).orElse("?"), d.map(DriverService::timerSource).orElse(OWN_CLOCK),
                    c.clockSkewPpm()));
            if (verbose) {
                out.append(CardDetails.of(c));
            }
        }
        out.append(cards.size()).append(cards.size() == 1 ? " card" : " cards");
        for (String reason : refused.reasons()) {
            out.append(System.lineSeparator()).append(reason);
        }
        return out.toString();
    }

    private record DriverService(long serviceId, String id, String name, String bundle, String timerSource) {
    }

    private List<DriverService> driverServices(Set<Long> refusedComponents) {
        List<DriverService> list = new ArrayList<>();
        try {
            for (ServiceReference<SoundCardDriver> ref : context.getServiceReferences(SoundCardDriver.class, null)) {
                if (refusedComponents.contains(ref.getProperty("component.id"))) {
                    // asking SCR for it would only fail and log again
                    continue;
                }
                SoundCardDriver driver = context.getService(ref);
                if (driver == null) {
                    continue;
                }
                try {
                    Object timer = ref.getProperty(SoundCardDriver.TIMER_SOURCE_PROPERTY);
                    Bundle b = ref.getBundle();
                    list.add(new DriverService((Long) ref.getProperty(org.osgi.framework.Constants.SERVICE_ID),
                            driver.id(), driver.name(), b == null ? "?" : b.getSymbolicName(),
                            timer == null || timer.toString().isBlank() ? OWN_CLOCK : timer.toString()));
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        list.sort((a, b) -> Long.compare(a.serviceId(), b.serviceId()));
        return list;
    }

    /**
     * The driver service a card was made from: the core names a card by its
     * driver's id, suffixed ({@code _1}, {@code _2}, ...) when the id was taken.
     */
    private static Optional<DriverService> driverOf(CardInfo card, List<DriverService> drivers,
            Set<DriverService> used) {
        Optional<DriverService> exact = drivers.stream()
                .filter(d -> !used.contains(d) && d.id().equals(card.id()) && d.name().equals(card.name()))
                .findFirst();
        Optional<DriverService> found = exact.isPresent() ? exact : drivers.stream()
                .filter(d -> !used.contains(d) && card.id().startsWith(d.id() + "_") && d.name().equals(card.name()))
                .findFirst();
        found.ifPresent(used::add);
        return found;
    }

    // ------------------------------------------------------------------ list

    @Descriptor("lists every substream of every card (like aplay -l, with states): name, direction, state "
            + "('closed' when nobody has it open), who holds it, its handles and what it is linked with; "
            + "columns as wide as their longest entry")
    public String list(CommandSession session,
            @Descriptor("only the substreams someone has open") @Parameter(names = "--open", absentValue = "false",
                    presentValue = "true") boolean openOnly,
            @Descriptor("one line per substream, fields separated by tabs, no header and no total: for pipes "
                    + "and scripts") @Parameter(names = "--plain", absentValue = "false", presentValue = "true")
            boolean plain,
            @Descriptor("only this card (id or index; default: every card)") @Parameter(names = "--card",
                    absentValue = Options.ABSENT) String card) {
        List<CardInfo> cards = core.cards();
        if (Options.given(card)) {
            String c = card.strip();
            cards = cards.stream().filter(i -> i.id().equalsIgnoreCase(c) || String.valueOf(i.index()).equals(c))
                    .toList();
            if (cards.isEmpty()) {
                throw new IllegalArgumentException("pcm:list: no card '" + card + "'; the cards are "
                        + core.cards().stream().map(i -> i.index() + " " + i.id()).toList());
            }
        }
        Map<String, SubstreamInfo> open = core.substreams().stream()
                .collect(Collectors.toMap(PcmCommands::key, s -> s, (a, b) -> a));
        List<String[]> rows = new ArrayList<>();
        for (CardInfo c : cards) {
            for (PcmDeviceInfo d : c.devices()) {
                for (Direction dir : Direction.values()) {
                    for (int sub = 0; sub < d.substreams(dir); sub++) {
                        SubstreamInfo s = open.get(key(c.id(), d.device(), dir, sub));
                        if (openOnly && s == null) {
                            continue;
                        }
                        rows.add(new String[] {"hw:" + c.id() + "," + d.device() + "," + sub, SubstreamName.lower(dir),
                                s == null ? "closed" : s.status().state().toString(),
                                s == null ? "-" : holder(s), s == null ? "-" : String.valueOf(s.handles()),
                                s == null ? "-" : linked(s.linkedWith())});
                    }
                }
            }
        }
        if (plain) {
            return rows.stream().map(r -> String.join("\t", r)).collect(Collectors.joining("\n"));
        }
        String[] header = {"SUBSTREAM", "DIRECTION", "STATE", "HOLDER", "HANDLES", "LINKED WITH"};
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        row(out, header, width);
        rows.forEach(r -> row(out, r, width));
        int count = rows.size();
        out.append(count).append(count == 1 ? " substream" : " substreams").append(openOnly ? " open" : "")
                .append(" on ").append(cards.size()).append(cards.size() == 1 ? " card" : " cards");
        return out.toString();
    }

    private static void row(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            out.append(i == cells.length - 1 ? cells[i] : String.format("%-" + width[i] + "s ", cells[i]));
        }
        out.append('\n');
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object list(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:list", "list", session, args);
    }

    private static String key(SubstreamInfo s) {
        return key(s.cardId(), s.device(), s.direction(), s.subdevice());
    }

    private static String key(String card, int device, Direction dir, int sub) {
        return card + "," + device + "," + sub + "/" + SubstreamName.lower(dir);
    }

    private static String holder(SubstreamInfo s) {
        return s.holder().isEmpty() ? "(unnamed)" : s.holder();
    }

    static String linked(Set<SubstreamView> views) {
        if (views.isEmpty()) {
            return "-";
        }
        return views.stream().map(v -> "hw:" + v.cardId() + "," + v.device() + "," + v.subdevice() + "/"
                + SubstreamName.lower(v.direction())).sorted().collect(Collectors.joining(" "));
    }

    // ------------------------------------------------------------------ status

    @Descriptor("shows a substream's status like /proc/asound/cardN/pcmDp/subS/status: state, holder, "
            + "parameters, hw_ptr, appl_ptr, avail, delay and xrun count; read-only, works whoever holds it")
    public String status(CommandSession session,
            @Descriptor("the substream is a capture one (default: playback, or the name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("the substream: hw:CARD[,DEV[,SUB]][/playback|/capture], CARD an id or index")
            String substream) {
        SubstreamName.Target t = resolve("pcm:status", substream, Options.direction("pcm:status", playback, capture));
        Optional<SubstreamInfo> info = core.substreams().stream()
                .filter(s -> key(s).equals(key(t.cardId(), t.device(), t.direction(), t.subdevice())))
                .findFirst();
        StringBuilder out = new StringBuilder();
        out.append(t.name()).append('\n');
        if (info.isEmpty()) {
            return out.append("closed").toString();
        }
        SubstreamInfo s = info.get();
        PcmStatus st = s.status();
        line(out, "state", st.state());
        line(out, "owner", holder(s));
        line(out, "handles", s.handles());
        HwParams p = s.hwParams();
        if (p != null) {
            line(out, "access", p.access());
            line(out, "format", p.format());
            line(out, "rate", p.rate() + " (" + p.rate() + "/1)");
            line(out, "channels", p.channels());
            line(out, "period_size", p.periodSize());
            line(out, "buffer_size", p.bufferSize());
        } else {
            line(out, "params", "none (no hw_params yet)");
        }
        line(out, "trigger_time", seconds(st.triggerTimestampNanos()));
        line(out, "tstamp", seconds(st.timestampNanos()));
        line(out, "hw_ptr", st.hwPtr());
        line(out, "appl_ptr", st.applPtr());
        line(out, "avail", st.avail());
        line(out, "avail_max", st.availMax());
        line(out, "delay", st.delay());
        line(out, "xruns", st.xrunCount());
        out.append(String.format("%-13s: %s", "linked", linked(s.linkedWith())));
        return out.toString();
    }

    private static void line(StringBuilder out, String name, Object value) {
        out.append(String.format("%-13s: %s%n", name, value));
    }

    private static String seconds(long nanos) {
        return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    // ------------------------------------------------------------------ params

    @Descriptor("prints a substream's whole hardware-parameter space, one parameter a line, as "
            + "aplay --dump-hw-params does: what hw_refine answers to snd_pcm_hw_params_any, with the card's "
            + "constraints and its driver's rules (a loopback end shows the cable's parameters once the other "
            + "end has set them); opens the substream for the question unless the shell holds it")
    public String params(CommandSession session,
            @Descriptor("the substream is a capture one (default: playback, or the name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("the substream: hw:CARD[,DEV[,SUB]][/playback|/capture], CARD an id or index")
            String substream) {
        String cmd = "pcm:params";
        SubstreamName.Target t = resolve(cmd, substream, Options.direction(cmd, playback, capture));
        HwSpace space;
        PcmSubstream mine = held.get(t.name());
        try {
            if (mine != null) {
                space = mine.hwRefine(HwSpace.any());
            } else {
                try (PcmSubstream s = core.open(t.cardId(), t.device(), t.direction(), t.subdevice(), true,
                        "shell (pcm:params)")) {
                    space = s.hwRefine(HwSpace.any());
                }
            }
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name() + heldBy(core, t), e);
        }
        String rule = "--------------------\n";
        return "HW Params of device \"" + t.name() + "\":\n" + rule + space.dump() + rule.strip();
    }

    // ------------------------------------------------------------------ open / close

    @Descriptor("opens a substream, sets its hardware parameters (state SETUP) and keeps it open in the shell "
            + "until pcm:close, so that pcm:link and pcm:unlink can act on it; defaults: 48000 Hz, 2 channels, "
            + "S16_LE, 10 ms periods, 4 periods")
    public String open(CommandSession session,
            @Descriptor("open the capture substream (default: playback, or the name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("open the playback substream (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("rate in Hz (default 48000)")
            @Parameter(names = "--rate", absentValue = Options.ABSENT) String rate,
            @Descriptor("channels (default 2)")
            @Parameter(names = "--channels", absentValue = Options.ABSENT) String channels,
            @Descriptor("sample format, e.g. S16_LE (the default), S32_LE, FLOAT_LE")
            @Parameter(names = "--format", absentValue = Options.ABSENT) String format,
            @Descriptor("period size in frames (default: 10 ms)")
            @Parameter(names = "--period", absentValue = Options.ABSENT) String period,
            @Descriptor("periods per buffer (default 4)")
            @Parameter(names = "--periods", absentValue = Options.ABSENT) String periods,
            @Descriptor("MMAP_INTERLEAVED access instead of RW_INTERLEAVED: the ring buffer is mapped, not "
                    + "read or written (share:export needs it)")
            @Parameter(names = "--mmap", absentValue = "false", presentValue = "true") boolean mmap,
            @Descriptor("the substream: hw:CARD[,DEV[,SUB]][/playback|/capture], CARD an id or index")
            String substream) {
        String cmd = "pcm:open";
        SubstreamName.Target t = resolve(cmd, substream, Options.direction(cmd, playback, capture));
        int r = Options.given(rate) ? Options.integer(cmd, "--rate", rate, 1, Integer.MAX_VALUE) : Params.DEFAULT_RATE;
        int ch = Options.given(channels) ? Options.integer(cmd, "--channels", channels, 1, 1024)
                : Params.DEFAULT_CHANNELS;
        SampleFormat f = Options.given(format) ? Options.format(cmd, format) : Params.DEFAULT_FORMAT;
        long ps = Options.given(period) ? Options.integer(cmd, "--period", period, 1, Integer.MAX_VALUE) : 0;
        int n = Options.given(periods) ? Options.integer(cmd, "--periods", periods, 1, Integer.MAX_VALUE) : 0;
        PcmSubstream before = held.get(t.name());
        if (before != null && before.state() == PcmState.DISCONNECTED) {
            // its card went and came back before the listener below let go of it
            letGo(t.name(), before);
        } else if (before != null) {
            throw new IllegalArgumentException(cmd + ": the shell already holds " + t.name()
                    + "; pcm:close it first");
        }
        PcmSubstream s;
        try {
            s = core.open(t.cardId(), t.device(), t.direction(), t.subdevice(), false, HOLDER);
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name() + heldBy(core, t), e);
        }
        HwParams params;
        try {
            HwParams chosen = Params.choose(s.constraints(), f, ch, r, ps, n);
            params = s.hwParams(mmap ? chosen.withAccess(Access.MMAP_INTERLEAVED) : chosen);
        } catch (ErrnoException e) {
            s.close();
            throw Options.refused(cmd, t.name(), e);
        }
        held.put(t.name(), s);
        letGoWhenDisconnected(t.name(), s);
        return "opened " + t.name() + ": " + (mmap ? "mmap, " : "") + params.format() + ", " + params.rate() + " Hz, " + params.channels()
                + " channels, period " + params.periodSize() + " frames, buffer " + params.bufferSize()
                + " frames; state " + s.state();
    }

    @Descriptor("closes a substream the shell holds (opened with pcm:open); closing unlinks it")
    public String close(CommandSession session,
            @Descriptor("the substream is a capture one (default: playback, or the name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("the substream: hw:CARD[,DEV[,SUB]][/playback|/capture], CARD an id or index")
            String substream) {
        String cmd = "pcm:close";
        SubstreamName.Target t = resolve(cmd, substream, Options.direction(cmd, playback, capture));
        PcmSubstream s = held.remove(t.name());
        if (s == null) {
            throw notHeld(cmd, t);
        }
        s.close();
        return "closed " + t.name();
    }

    /**
     * A substream the shell holds is let go of once its card goes away, as an application closes
     * a device that returned ENODEV: nothing can be done with it any more, and a card that comes
     * back must be open to pcm:open again.
     */
    private void letGoWhenDisconnected(String name, PcmSubstream s) {
        try {
            s.addPeriodListener(new PeriodListener() {
                @Override
                public void periodElapsed(SubstreamView substream, long hwPtr) {
                }

                @Override
                public void stopped(SubstreamView substream, PcmState state) {
                    if (state == PcmState.DISCONNECTED) {
                        // not here: the listener runs under the stream lock, and closing takes it
                        Thread.ofVirtual().name("shell let go of " + name).start(() -> letGo(name, s));
                    }
                }
            });
        } catch (ErrnoException e) {
            // a substream without a period hook is let go of at the next pcm:open
        }
    }

    private void letGo(String name, PcmSubstream s) {
        if (!held.remove(name, s)) {
            return;
        }
        s.close();
        String message = "the shell let go of " + name + " (held since pcm:open): its card went away";
        if (logger != null) {
            logger.warn(message);
        } else {
            System.err.println("pcm: " + message);
        }
    }

    // ------------------------------------------------------------------ link / unlink

    @Descriptor("links two substreams the shell holds (pcm:open) as snd_pcm_link does: from then on a start, "
            + "stop, prepare or pause of one acts on both at once; both must be in the same state. "
            + "Directions: the flag applies to both names, a name's /playback or /capture suffix overrides it")
    public String link(CommandSession session,
            @Descriptor("the substreams are capture ones (default: playback, or each name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("the substreams are playback ones (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("the substream whose group the other joins") String a,
            @Descriptor("the substream that joins a's group") String b) {
        String cmd = "pcm:link";
        Direction dir = Options.direction(cmd, playback, capture);
        SubstreamName.Target ta = resolve(cmd, a, dir);
        SubstreamName.Target tb = resolve(cmd, b, dir);
        PcmSubstream sa = heldOrFail(cmd, ta);
        PcmSubstream sb = heldOrFail(cmd, tb);
        try {
            sa.link(sb);
        } catch (ErrnoException e) {
            throw Options.refused(cmd, ta.name() + " with " + tb.name(), e);
        }
        return "linked " + ta.name() + " with " + linked(sa.linkedWith());
    }

    @Descriptor("takes a substream the shell holds (pcm:open) out of its link group, as snd_pcm_unlink does")
    public String unlink(CommandSession session,
            @Descriptor("the substream is a capture one (default: playback, or the name's suffix)")
            @Parameter(names = "--capture", absentValue = "false", presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)")
            @Parameter(names = "--playback", absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor("the substream to unlink") String substream) {
        String cmd = "pcm:unlink";
        SubstreamName.Target t = resolve(cmd, substream, Options.direction(cmd, playback, capture));
        PcmSubstream s = heldOrFail(cmd, t);
        try {
            s.unlink();
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name(), e);
        }
        return "unlinked " + t.name();
    }


    // ------------------------------------------------------------------ any other command line

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object status(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:status", "status", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object params(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:params", "params", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object open(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:open", "open", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object close(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:close", "close", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object link(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:link", "link", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object unlink(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:unlink", "unlink", session, args);
    }

    // ------------------------------------------------------------------ helpers

    private SubstreamName.Target resolve(String cmd, String text, Direction fallback) {
        return SubstreamName.parse(cmd, text).resolve(cmd, core.cards(), fallback);
    }

    private PcmSubstream heldOrFail(String cmd, SubstreamName.Target t) {
        PcmSubstream s = held.get(t.name());
        if (s == null) {
            throw notHeld(cmd, t);
        }
        return s;
    }

    private IllegalArgumentException notHeld(String cmd, SubstreamName.Target t) {
        return new IllegalArgumentException(cmd + " acts on substreams the shell holds (opened with pcm:open), and "
                + t.name() + " is not one of them; the shell holds "
                + (held.isEmpty() ? "none" : held.keySet().stream().sorted().toList()));
    }

    /** Who holds a busy substream, for the EBUSY message. */
    static String heldBy(PcmCore core, SubstreamName.Target t) {
        return core.substreams().stream()
                .filter(s -> key(s).equals(key(t.cardId(), t.device(), t.direction(), t.subdevice())))
                .findFirst().map(s -> " (held by " + holder(s) + ")").orElse("");
    }

    /** The substreams the shell holds, for other commands of this bundle. */
    Map<String, PcmSubstream> held() {
        return Map.copyOf(held);
    }
}
