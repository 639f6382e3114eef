package pcmshare.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;
import pcmshare.core.api.sharing.shmem.SealedContainers;

/**
 * {@code pcmshare:demo}: the whole of pcmshare in one command (see {@link Demo}).
 * The services it needs beyond the core are optional here, so that the command
 * is always there to say which one is missing.
 */
@Component(service = DemoCommand.class)
@GogoCommand(scope = "pcmshare", function = "demo")
public final class DemoCommand {
    static final double DEFAULT_SECONDS = 2;
    /** Long enough for every step, short enough for a demo. */
    static final double MAX_SECONDS = 60;

    private final PcmCore core;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AnonDup anonDup;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DmaBufExporter dmabuf;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SealedContainers containers;

    @Reference(service = BufferExporter.class, target = "(" + BufferExporter.TYPE_PROPERTY + "=shmem)",
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile BufferExporter<Memfd, Memfd> shmem;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    @Activate
    public DemoCommand(@Reference PcmCore core) {
        this.core = core;
    }

    @Descriptor("runs pcmshare's demo and checks it, in about --seconds plus one second: (1) a server opens the "
            + "loopback playback hw:Loopback,0,0 (48 kHz stereo S16_LE) and hands a client a MONITOR dup, whose "
            + "start is refused (EPERM) and which writes a 440 Hz tone; (2) the playback is linked to a dummy card "
            + "running at +250 ppm, both start in one group action, and the loopback follows the dummy's clock; "
            + "(3) the capture hw:Loopback,1,0's ring goes to a consumer as a dma-buf, read on per-period fences "
            + "into a WAV file; (4) the stream description reaches the consumer in a sealed shmem container; "
            + "(5) the recording must equal the tone bit-exactly, with no xrun and no drift against the dummy. "
            + "Fails naming the check that did not hold")
    public String demo(CommandSession session,
            @Descriptor("seconds of tone to play (default 2, at most 60)")
            @Parameter(names = "--seconds", absentValue = Options.ABSENT) String seconds,
            @Descriptor("the WAV file to write the recording to (replaced if it exists); default: a new file in "
                    + "the temporary folder")
            @Parameter(names = "--out", absentValue = Options.ABSENT) String out) throws Exception {
        String cmd = Demo.CMD;
        double secs = Options.given(seconds) ? Options.seconds(cmd, seconds) : DEFAULT_SECONDS;
        if (secs > MAX_SECONDS) {
            throw new IllegalArgumentException(cmd + ": --seconds " + seconds + " is too long for a demo; allowed: "
                    + "above 0 and at most " + (long) MAX_SECONDS);
        }
        if (Math.round(secs * Demo.RATE) < Demo.PERIOD) {
            throw new IllegalArgumentException(cmd + ": --seconds " + seconds + " is shorter than one period ("
                    + Demo.PERIOD + " frames at " + Demo.RATE + " Hz, 0.02 s)");
        }
        AnonDup dup = anonDup;
        DmaBufExporter buf = dmabuf;
        SealedContainers sealed = containers;
        BufferExporter<Memfd, Memfd> mem = shmem;
        ConfigurationAdmin cm = configAdmin;
        List<String> missing = new ArrayList<>();
        if (dup == null) {
            missing.add("the anondup backend (bundle sharing.anondup)");
        }
        if (buf == null) {
            missing.add("the dmabuf backend (bundle sharing.dmabuf)");
        }
        if (sealed == null || mem == null) {
            missing.add("the shmem backend (bundle sharing.shmem)");
        }
        if (cm == null) {
            missing.add("ConfigurationAdmin (bundle org.apache.felix.configadmin)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(cmd + " needs " + String.join(", ", missing) + ", which "
                    + (missing.size() == 1 ? "is" : "are") + " not running (see share:backends and lb)");
        }
        Path wav = wavPath(cmd, session, out);
        PrintStream console = session != null && session.getConsole() != null ? session.getConsole() : System.out;
        // a recording nobody asked to keep does not pile up in the temporary folder
        boolean keep = Options.given(out);
        try {
            String result = new Demo(core, dup, buf, sealed, mem, cm, console, secs, wav).run();
            return keep ? result : result + System.lineSeparator() + cmd + ": removed " + wav
                    + " at the end (--out FILE keeps the recording)";
        } finally {
            if (!keep) {
                Files.deleteIfExists(wav);
            }
        }
    }

    private static Path wavPath(String cmd, CommandSession session, String out) throws IOException {
        if (!Options.given(out)) {
            return Files.createTempFile("pcmshare-demo-", ".wav");
        }
        Path path = Options.path(session, out);
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(cmd + " cannot write " + path + ": the folder " + dir
                    + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(cmd + " cannot write " + path + ": it is a folder");
        }
        return path;
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object demo(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, Demo.CMD, "demo", session, args);
    }
}
