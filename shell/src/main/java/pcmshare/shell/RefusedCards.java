package pcmshare.shell;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import pcmshare.core.api.driver.SoundCardDriver;

/**
 * The card configurations a driver refused, as Declarative Services reports
 * them: components that would register a card and whose activation failed.
 * Their services are still registered, but asking for one makes SCR try (and
 * fail, and log) again, so listings leave them alone and say why instead.
 */
record RefusedCards(Set<Long> componentIds, List<String> reasons) {
    private static final String NOT_CREATED = ": not created: ";

    static RefusedCards of(ServiceComponentRuntime scr) {
        Set<Long> ids = new HashSet<>();
        List<String> reasons = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.serviceInterfaces == null
                    || !Arrays.asList(d.serviceInterfaces).contains(SoundCardDriver.class.getName())) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    ids.add(c.id);
                    reasons.add(reason(d, c));
                }
            }
        }
        reasons.sort(null);
        return new RefusedCards(ids, List.copyOf(reasons));
    }

    /** The driver's own refusal ("ID: not created: PROPERTY = VALUE: why"), else the failure's first line. */
    private static String reason(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        String failure = c.failure == null ? "" : c.failure;
        String line = failure.lines().filter(l -> l.contains(NOT_CREATED)).findFirst().orElse(null);
        String text;
        if (line != null) {
            int exception = line.indexOf("Exception: ");
            text = exception >= 0 && exception < line.indexOf(NOT_CREATED) ? line.substring(exception + 11) : line;
        } else {
            Object id = c.properties == null ? null : c.properties.get("id");
            text = (id == null ? d.name : id) + NOT_CREATED + failure.lines().findFirst().orElse("activation failed");
        }
        Object file = c.properties == null ? null : c.properties.get("felix.fileinstall.filename");
        return text.strip() + (file == null ? "" : " (" + fileName(file.toString()) + ")");
    }

    private static String fileName(String uri) {
        try {
            return Path.of(URI.create(uri)).toString();
        } catch (RuntimeException e) {
            return uri;
        }
    }
}
