package pcmshare.shell;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * {@code pcmshare:info}: what pcmshare runs right now, bundle by bundle, with
 * every Declarative Services component and its state. It is the first thing to
 * look at when a card or backend does not show up.
 */
@Component(service = InfoCommand.class)
@GogoCommand(scope = "pcmshare", function = {"info"})
public final class InfoCommand {
    /** Bundles of pcmshare are the ones built from this workspace. */
    static final String VENDOR = "pcmshare";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    @Activate
    public InfoCommand(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    @Descriptor("lists pcmshare's bundles with their state and the state of each of their components")
    public String info() {
        List<Bundle> ours = Arrays.stream(context.getBundles())
                .filter(b -> VENDOR.equals(b.getHeaders("").get("Bundle-Vendor")))
                .sorted(Comparator.comparingLong(Bundle::getBundleId))
                .toList();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-4s %-9s %-18s %s%n", "ID", "STATE", "BUNDLE", "VERSION"));
        for (Bundle b : ours) {
            out.append(String.format("%-4d %-9s %-18s %s%n", b.getBundleId(), bundleState(b.getState()),
                    b.getSymbolicName(), b.getVersion()));
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                out.append(String.format("       component %-45s %s%n", d.name, componentState(d)));
            }
        }
        out.append(ours.size()).append(" pcmshare bundles");
        return out.toString();
    }

    private String componentState(ComponentDescriptionDTO d) {
        if (!scr.isComponentEnabled(d)) {
            return "disabled";
        }
        var configs = scr.getComponentConfigurationDTOs(d);
        if (configs.isEmpty()) {
            return "REQUIRE".equalsIgnoreCase(d.configurationPolicy) ? "waiting for configuration" : "no configuration";
        }
        StringBuilder s = new StringBuilder();
        for (ComponentConfigurationDTO c : configs) {
            if (!s.isEmpty()) {
                s.append(", ");
            }
            s.append(CONFIG_STATES.getOrDefault(c.state, "state " + c.state));
            if (c.failure != null) {
                s.append(" (").append(c.failure.lines().findFirst().orElse("")).append(')');
            }
        }
        return s.toString();
    }

    private static final Map<Integer, String> CONFIG_STATES = Map.of(
            ComponentConfigurationDTO.ACTIVE, "active",
            ComponentConfigurationDTO.SATISFIED, "satisfied",
            ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION, "unsatisfied configuration",
            ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "unsatisfied reference",
            ComponentConfigurationDTO.FAILED_ACTIVATION, "failed activation");

    static String bundleState(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }
}
