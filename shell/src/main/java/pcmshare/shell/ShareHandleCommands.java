package pcmshare.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.SharedHandle;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.Preset;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;

/**
 * Shares made from the shell: {@code share:dup} (a restricted anonymous dup of a
 * substream or dup the shell holds), {@code share:export} (a dma-buf export of its
 * ring buffer), {@code share:revoke}, {@code share:release}, and {@code share:await}
 * on an export's fences (not {@code wait}: Gogo matches a command to every public
 * method of that name, {@link Object#wait()} too). The shell names each share it
 * holds ({@code dup1}, {@code export1}, ...) and keeps it until {@code share:release}
 * or until the shell bundle stops; {@code share:list} shows them.
 */
// immediate: the shares it holds must not go when no command is running
@Component(service = ShareHandleCommands.class, immediate = true)
@GogoCommand(scope = "share", function = {"dup", "export", "revoke", "release", "await"})
public final class ShareHandleCommands {
    private static final String SOURCE = "what to share: a substream the shell holds (pcm:open), "
            + "hw:CARD[,DEV[,SUB]][/playback|/capture], or a dup the shell holds (dup1, ...)";
    private static final double MAX_TIMEOUT_SECONDS = 3600;

    private final PcmCore core;
    private final PcmCommands pcm;
    /** The shell's shares by name, in name order. */
    private final Map<String, HeldShare> held = new ConcurrentSkipListMap<>(HeldShare::byNumber);
    private final AtomicInteger dups = new AtomicInteger();
    private final AtomicInteger exports = new AtomicInteger();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AnonDup anondup;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DmaBufExporter dmabuf;

    @Activate
    public ShareHandleCommands(@Reference PcmCore core, @Reference PcmCommands pcm) {
        this.core = core;
        this.pcm = pcm;
    }

    @Deactivate
    void deactivate() {
        held.values().forEach(HeldShare::release);
        held.clear();
    }

    /** The shares the shell holds, one line each, in name order. */
    List<String> listing() {
        List<String> lines = new ArrayList<>();
        held.values().forEach(h -> lines.add(h.describe()));
        return lines;
    }

    // ------------------------------------------------------------------ dup

    @Descriptor("makes a restricted anonymous dup (anondup) of a substream or dup the shell holds and keeps it as "
            + "dupN: MONITOR may map, read/write and read the status, BUFFER only map the data, FULL what the "
            + "original may; a dup never has more than what it was made from")
    public String dup(CommandSession session,
            @Descriptor("what the dup may do: MONITOR (the default), BUFFER or FULL")
            @Parameter(names = "--preset", absentValue = Options.ABSENT) String preset,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SOURCE) String source) {
        String cmd = "share:dup";
        Preset p = Options.given(preset) ? preset(cmd, preset) : Preset.MONITOR;
        AnonDup backend = backend(cmd, anondup, AnonDup.TYPE);
        Source from = source(cmd, source, playback, capture);
        HeldShare.Dup d;
        // one at a time, so that a refused dup leaves no gap in the names
        synchronized (dups) {
            String name = "dup" + (dups.get() + 1);
            String holder = holder(name);
            PcmSubstream dup;
            try {
                dup = backend.dup(from.handle(), p, holder);
            } catch (ErrnoException e) {
                throw Options.refused(cmd, from.name(), e);
            }
            dups.incrementAndGet();
            long id = backend.dups(from.handle()).stream().filter(i -> i.holder().equals(holder))
                    .mapToLong(i -> i.id()).findFirst().orElse(-1);
            d = new HeldShare.Dup(name, dup, from.handle(), from.name(), id, p, backend);
            held.put(name, d);
        }
        String name = d.name();
        return d.describe() + "; share:revoke " + name + " takes its rights away, share:release " + name
                + " lets go of it";
    }

    // ------------------------------------------------------------------ export

    @Descriptor("exports the ring buffer of a substream or dup the shell holds as a dma-buf (sharing.dmabuf) and "
            + "keeps the handle as exportN; the substream needs MMAP access (pcm:open --mmap); its memory lives "
            + "until the last holder lets go, whatever becomes of the substream")
    public String export(CommandSession session,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SOURCE) String source) {
        String cmd = "share:export";
        DmaBufExporter exporter = backend(cmd, dmabuf, DmaBufExporter.TYPE);
        Source from = source(cmd, source, playback, capture);
        HeldShare.Export x;
        synchronized (exports) {
            String name = "export" + (exports.get() + 1);
            SharedHandle handle;
            try {
                handle = exporter.exportSubstream(from.handle(), holder(name));
            } catch (ErrnoException e) {
                ErrnoException refused = Options.refused(cmd, from.name(), e);
                if (e.errno() == Errno.EINVAL && !mmapAccess(from.handle())) {
                    throw new IllegalArgumentException(refused.getMessage() + "; open it with pcm:open --mmap", e);
                }
                throw refused;
            }
            exports.incrementAndGet();
            x = new HeldShare.Export(name, handle, from.name(), from.handle().direction(), exporter);
            held.put(name, x);
        }
        String name = x.name();
        return x.describe() + "; share:await " + name + " waits for its fences, share:release " + name
                + " lets go of it";
    }

    // ------------------------------------------------------------------ revoke / release

    @Descriptor("revokes a dup the shell made (share:dup), and every dup made from it, as their owner: from then "
            + "on each call on them is EPERM and a call blocked in one returns EPERM; it stays held until "
            + "share:release (a dma-buf export cannot be revoked, only released)")
    public String revoke(CommandSession session, @Descriptor("a dup the shell holds: dup1, ...") String name) {
        String cmd = "share:revoke";
        HeldShare h = held(cmd, name);
        if (!(h instanceof HeldShare.Dup d)) {
            throw new IllegalArgumentException(cmd + ": " + name + " is a dma-buf export, which cannot be revoked: "
                    + "as in Linux, a dma-buf lives while anyone holds it; share:release " + name
                    + " lets go of the shell's handle");
        }
        int under = d.backend().dups(d.dup()).size();
        try {
            d.backend().revoke(d.owner(), d.dup());
        } catch (ErrnoException e) {
            throw Options.refused(cmd, name, e);
        }
        return "revoked " + name + " (anondup dup " + d.id() + " of " + d.ownerName() + ")"
                + (under == 0 ? "" : " and " + under + (under == 1 ? " dup" : " dups") + " made from it")
                + ": each call on it is now EPERM; share:release " + name + " lets go of it";
    }

    @Descriptor("lets go of a share the shell holds (a dup or an export): closes the shell's handle; an export's "
            + "memory is freed once no one else holds it")
    public String release(CommandSession session, @Descriptor("a share the shell holds: dup1, export1, ...")
            String name) {
        HeldShare h = held("share:release", name);
        held.remove(name, h);
        h.release();
        return "released " + name;
    }

    // ------------------------------------------------------------------ await

    @Descriptor("waits on a fence of an export the shell holds: --period N for the Nth capture period since the "
            + "export (a capture's buffer; by default the next one), or --access read|write for what a CPU "
            + "access of the buffer must wait for (the default for a playback buffer); fails when the fence "
            + "does not signal within --timeout, or signals with an error")
    public String await(CommandSession session,
            @Descriptor("the capture period to wait for, counted from the export (1 is the first)")
            @Parameter(names = "--period", absentValue = Options.ABSENT) String period,
            @Descriptor("read or write: wait for the fences such a CPU access waits for")
            @Parameter(names = "--access", absentValue = Options.ABSENT) String access,
            @Descriptor("seconds to wait at most (default 5; 0 only looks)")
            @Parameter(names = "--timeout", absentValue = Options.ABSENT) String timeout,
            @Descriptor("an export the shell holds: export1, ...") String name) {
        String cmd = "share:await";
        double seconds = Options.given(timeout) ? timeout(cmd, timeout) : 5;
        if (!(held(cmd, name) instanceof HeldShare.Export x)) {
            throw new IllegalArgumentException(cmd + ": " + name + " is a dup; fences guard exported buffers "
                    + "(share:export)");
        }
        if (Options.given(period) && Options.given(access)) {
            throw new IllegalArgumentException(cmd + ": --period and --access exclude each other");
        }
        long nanos = Math.round(seconds * 1e9);
        DmaBuf buf;
        try {
            buf = x.exporter().importHandle(x.handle());
        } catch (ErrnoException e) {
            throw Options.refused(cmd, name, e);
        }
        try {
            FenceWait w = FenceWait.of(cmd, name, buf, x.direction(), period, access);
            return w.await(nanos);
        } catch (ErrnoException e) {
            throw Options.refused(cmd, name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, cmd, null, name, "interrupted while waiting");
        } finally {
            buf.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Source(String name, PcmSubstream handle) {
    }

    private Source source(String cmd, String text, boolean playback, boolean capture) {
        HeldShare h = held.get(text == null ? "" : text.strip());
        if (h instanceof HeldShare.Dup d) {
            return new Source(d.name(), d.dup());
        }
        if (h instanceof HeldShare.Export) {
            throw new IllegalArgumentException(cmd + ": " + text + " is an export; share a substream (pcm:open) "
                    + "or a dup (share:dup)");
        }
        SubstreamName.Target t = SubstreamName.parse(cmd, text).resolve(cmd, core.cards(),
                Options.direction(cmd, playback, capture));
        PcmSubstream s = pcm.held().get(t.name());
        if (s == null) {
            throw new IllegalArgumentException(cmd + " shares substreams the shell holds (opened with pcm:open) "
                    + "and its dups, and " + t.name() + " is not one of them; the shell holds "
                    + (pcm.held().isEmpty() ? "no substream" : pcm.held().keySet().stream().sorted().toList()));
        }
        return new Source(t.name(), s);
    }

    private static boolean mmapAccess(PcmSubstream s) {
        try {
            return s.hwParams() == null || s.hwParams().access().isMmap();
        } catch (ErrnoException e) {
            return true;
        }
    }

    private HeldShare held(String cmd, String name) {
        HeldShare h = held.get(name == null ? "" : name.strip());
        if (h == null) {
            throw new IllegalArgumentException(cmd + ": the shell holds no share named '" + name + "'; it holds "
                    + (held.isEmpty() ? "none (share:dup, share:export)" : held.keySet()));
        }
        return h;
    }

    private static <T> T backend(String cmd, T service, String type) {
        if (service == null) {
            throw new ErrnoException(Errno.ENODEV, cmd, null, type, "the " + type
                    + " sharing backend is not running (share:backends says why)");
        }
        return service;
    }

    private static String holder(String name) {
        return "shell (" + name + ")";
    }

    static Preset preset(String cmd, String text) {
        try {
            return Preset.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cmd + ": --preset '" + text + "' is not a preset; allowed: "
                    + java.util.Arrays.stream(Preset.values()).map(Preset::name).sorted().toList());
        }
    }

    static double timeout(String cmd, String text) {
        double s;
        try {
            s = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0 && s <= MAX_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException(cmd + ": --timeout " + text + " is not allowed; give seconds from 0 "
                    + "(only look) to " + (int) MAX_TIMEOUT_SECONDS);
        }
        return s;
    }

    // ------------------------------------------------------------------ any other command line

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object dup(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "share:dup", "dup", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object export(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "share:export", "export", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object revoke(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "share:revoke", "revoke", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object release(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "share:release", "release", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object await(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "share:await", "await", session, args);
    }
}
