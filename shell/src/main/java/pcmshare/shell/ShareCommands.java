package pcmshare.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.anondup.AnonDup;
import pcmshare.core.api.sharing.anondup.DupInfo;

/**
 * {@code share:backends} and {@code share:list}: the sharing backends (every
 * {@link BufferExporter} service, and every component that would provide one
 * but is not running), what they have exported that is still held, and the
 * shares the shell itself holds ({@link ShareHandleCommands}).
 */
@Component(service = ShareCommands.class)
@GogoCommand(scope = "share", function = {"backends", "list"})
public final class ShareCommands {
    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final ShareHandleCommands shell;

    @Activate
    public ShareCommands(BundleContext context, @Reference ServiceComponentRuntime scr,
            @Reference ShareHandleCommands shell) {
        this.context = context;
        this.scr = scr;
        this.shell = shell;
    }

    @Descriptor("lists the sharing backends: type (the " + BufferExporter.TYPE_PROPERTY + " property), the bundle "
            + "that provides it, the bundle's state and whether its exporter service is registered; a backend "
            + "component that is not running shows why")
    public String backends() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-10s %-18s %-8s %-40s %s%n", "TYPE", "BUNDLE", "BUNDLE", "SERVICE", "EXPORTS"));
        Set<String> seen = new HashSet<>();
        int count = 0;
        for (ServiceReference<?> ref : exporterRefs()) {
            Bundle b = ref.getBundle();
            if (b == null) {
                continue;
            }
            String type = String.valueOf(ref.getProperty(BufferExporter.TYPE_PROPERTY));
            Object component = ref.getProperty("component.name");
            if (component != null) {
                seen.add(b.getBundleId() + "/" + component);
            }
            Object service = context.getService(ref);
            String exports = "?";
            if (service instanceof BufferExporter<?, ?> exporter) {
                try {
                    exports = String.valueOf(exporter.exports().size());
                    if (service instanceof AnonDup anondup) {
                        // its dups are handles too, most of them never exported
                        exports += " (+ " + anondup.dups().size() + " dups)";
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
            out.append(String.format("%-10s %-18s %-8s %-40s %s%n", type, b.getSymbolicName(),
                    InfoCommand.bundleState(b.getState()), "registered (service " + ref.getProperty(
                            Constants.SERVICE_ID) + ")", exports));
            count++;
        }
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!Arrays.asList(d.serviceInterfaces).contains(BufferExporter.class.getName())
                    || seen.contains(d.bundle.id + "/" + d.name)) {
                continue;
            }
            Bundle b = context.getBundle(d.bundle.id);
            Object type = d.properties.get(BufferExporter.TYPE_PROPERTY);
            out.append(String.format("%-10s %-18s %-8s %-40s %s%n", type == null ? "?" : type,
                    d.bundle.symbolicName, b == null ? "?" : InfoCommand.bundleState(b.getState()),
                    "not registered (" + why(d) + ")", "-"));
            count++;
        }
        out.append(count).append(count == 1 ? " backend" : " backends");
        return out.toString();
    }

    private String why(ComponentDescriptionDTO d) {
        if (!scr.isComponentEnabled(d)) {
            return "disabled";
        }
        var configs = scr.getComponentConfigurationDTOs(d);
        if (configs.isEmpty()) {
            return "no configuration";
        }
        ComponentConfigurationDTO c = configs.iterator().next();
        return switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation";
            default -> "state " + c.state;
        };
    }

    @Descriptor("lists every live exported object of every backend (dma-bufs, dups, sealed containers, ...): "
            + "type, id, what it is, size, reference count and holders; then every live anondup dup "
            + "(exported or not): its substream, holder and permissions; then the shares the shell holds "
            + "(share:dup, share:export) by name")
    public String list() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-9s %-5s %-34s %10s %5s  %s%n", "TYPE", "ID", "NAME", "BYTES", "REFS", "HOLDERS"));
        int count = 0;
        for (ServiceReference<?> ref : exporterRefs()) {
            BufferExporter<?, ?> exporter = (BufferExporter<?, ?>) context.getService(ref);
            if (exporter == null) {
                continue;
            }
            try {
                for (ExportInfo e : exporter.exports()) {
                    out.append(String.format("%-9s %-5d %-34s %10d %5d  %s%n", e.type(), e.id(), e.name(),
                            e.byteSize(), e.refCount(), String.join(", ", e.holders())));
                    count++;
                }
            } finally {
                context.ungetService(ref);
            }
        }
        out.append(count).append(count == 1 ? " export" : " exports");
        List<String> dups = dups();
        out.append(", ").append(dups.size()).append(dups.size() == 1 ? " anondup dup" : " anondup dups");
        if (!dups.isEmpty()) {
            out.append('\n').append(String.join("\n", dups));
        }
        List<String> mine = shell.listing();
        if (!mine.isEmpty()) {
            out.append("\nthe shell holds ").append(mine.size()).append(mine.size() == 1 ? " share:" : " shares:");
            mine.forEach(line -> out.append("\n  ").append(line));
        }
        return out.toString();
    }

    /** Every live anondup dup, whoever made it and whether or not it was exported. */
    private List<String> dups() {
        List<String> lines = new ArrayList<>();
        ServiceReference<AnonDup> ref = context.getServiceReference(AnonDup.class);
        if (ref == null) {
            return lines;
        }
        AnonDup anondup = context.getService(ref);
        if (anondup == null) {
            return lines;
        }
        try {
            for (DupInfo d : anondup.dups()) {
                lines.add(String.format("dup %d of %s held by %s: %s, %d dups of its own", d.id(), d.substream(),
                        d.holder(), d.permissions(), d.dups()));
            }
        } finally {
            context.ungetService(ref);
        }
        return lines;
    }

    private List<ServiceReference<?>> exporterRefs() {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(BufferExporter.class.getName(), null);
            List<ServiceReference<?>> list = refs == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(refs));
            list.sort((a, b) -> String.valueOf(a.getProperty(BufferExporter.TYPE_PROPERTY))
                    .compareTo(String.valueOf(b.getProperty(BufferExporter.TYPE_PROPERTY))));
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
