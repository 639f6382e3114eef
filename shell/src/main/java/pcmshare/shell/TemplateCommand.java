package pcmshare.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code pcmshare:template}: a commented configuration file for a PID, made from
 * the Metatype descriptions the drivers' configuration annotations generate, so
 * that every property, its description and its default are written down once, in
 * the driver's code. The file is in Felix's typed {@code .config} format, the one
 * of the configuration folder that can hold lists.
 */
@Component(service = TemplateCommand.class)
@GogoCommand(scope = "pcmshare", function = {"template"})
public final class TemplateCommand {
    private final BundleContext context;
    private final MetaTypeService metatype;

    @Activate
    public TemplateCommand(BundleContext context, @Reference MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
    }

    @Descriptor("lists the configurations pcmshare's bundles describe (PID, factory or not, what they make)")
    public String template() {
        Map<String, String> described = described();
        StringBuilder out = new StringBuilder();
        described.forEach((pid, what) -> out.append(pid).append("  ").append(what).append('\n'));
        out.append("pcmshare:template PID writes a commented configuration file for one of them");
        return out.toString();
    }

    @Descriptor("writes a commented configuration file for PID: every property with its description and its "
            + "default, commented out; save it in the configuration folder as PID-NAME.config (a factory "
            + "configuration) or PID.config, and remove the # of the properties to set")
    public String template(CommandSession session, @Descriptor("a configuration PID, e.g. pcmshare.driver.dummy")
            String pid) {
        String cmd = "pcmshare:template";
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            boolean factory = Arrays.asList(info.getFactoryPids()).contains(pid);
            if (factory || Arrays.asList(info.getPids()).contains(pid)) {
                return render(pid, factory, info.getObjectClassDefinition(pid, null));
            }
        }
        throw new IllegalArgumentException(cmd + ": no bundle describes a configuration '" + pid + "'; described: "
                + described().keySet());
    }

    /** Every described PID (sorted) and a line on it. */
    private Map<String, String> described() {
        Map<String, String> out = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = InfoCommand.VENDOR.equals(b.getHeaders("").get("Bundle-Vendor"))
                    ? metatype.getMetaTypeInformation(b) : null;
            if (info == null) {
                continue;
            }
            for (String pid : info.getFactoryPids()) {
                out.put(pid, "factory: " + info.getObjectClassDefinition(pid, null).getName() + " (" + b
                        .getSymbolicName() + ")");
            }
            for (String pid : info.getPids()) {
                out.put(pid, info.getObjectClassDefinition(pid, null).getName() + " (" + b.getSymbolicName() + ")");
            }
        }
        return out;
    }

    static String render(String pid, boolean factory, ObjectClassDefinition ocd) {
        List<String> lines = new ArrayList<>();
        lines.add("# " + ocd.getName() + " (" + (factory ? "factory PID " : "PID ") + pid + ")");
        wrap(lines, ocd.getDescription());
        lines.add("#");
        wrap(lines, "Save this file in the configuration folder (app/conf, or $PCMSHARE_CONF) as " + (factory
                ? pid + "-NAME.config, one file per configuration (or as " + pid + ".config where its component "
                        + "also takes a single configuration)"
                : pid + ".config") + ". Every property is listed with its default and commented out: remove the "
                + "# before a property to set it. Values are in Felix's typed format: \"text\", and [\"a\", \"b\"] "
                + "for a list.");
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
            lines.add("");
            String about = ad.getName() == null || ad.getName().equals(ad.getID()) ? "" : ad.getName() + ": ";
            String[] values = ad.getOptionValues();
            String options = values == null || values.length == 0 ? "" : " One of: " + String.join(", ",
                    Arrays.stream(values).sorted().toList()) + ".";
            String list = ad.getCardinality() == 0 ? "" : " A list.";
            wrap(lines, sentence(about + (ad.getDescription() == null ? "" : ad.getDescription())) + options + list);
            lines.add("#" + ad.getID() + " = " + value(ad));
        }
        return String.join("\n", lines);
    }

    /** The default in the typed format: a quoted text, or a list of them. */
    private static String value(AttributeDefinition ad) {
        String[] d = ad.getDefaultValue();
        List<String> quoted = d == null ? List.of() : Arrays.stream(d).map(TemplateCommand::quote).toList();
        if (ad.getCardinality() != 0) {
            // an empty list's default reaches Metatype as one empty value
            return "[" + String.join(", ", quoted.stream().filter(q -> !q.equals("\"\"")).toList()) + "]";
        }
        return quoted.isEmpty() ? "\"\"" : quoted.get(0);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String sentence(String text) {
        String t = text.strip();
        return t.isEmpty() || t.endsWith(".") ? t : t + ".";
    }

    /** {@code text} as comment lines of at most about 100 characters. */
    private static void wrap(List<String> lines, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        StringBuilder line = new StringBuilder("#");
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > 1 && line.length() + 1 + word.length() > 100) {
                lines.add(line.toString());
                line = new StringBuilder("#");
            }
            line.append(' ').append(word);
        }
        lines.add(line.toString());
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object template(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcmshare:template", "template", session, args);
    }
}
