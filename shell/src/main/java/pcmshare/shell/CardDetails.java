package pcmshare.shell;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.Range;

/** What a card accepts, device by device and direction by direction, for {@code pcm:cards -v}. */
final class CardDetails {
    private CardDetails() {
    }

    static String of(CardInfo card) {
        StringBuilder b = new StringBuilder();
        for (PcmDeviceInfo d : card.devices().stream().sorted(Comparator.comparingInt(PcmDeviceInfo::device))
                .toList()) {
            for (Direction dir : Direction.values()) {
                int n = d.substreams(dir);
                if (n == 0) {
                    continue;
                }
                HwConstraints c = d.constraints(dir);
                b.append(String.format("      device %d %s (%s): %d substream%s%n", d.device(),
                        SubstreamName.lower(dir), d.name(), n, n == 1 ? "" : "s"));
                line(b, "access", sorted(c.accesses()));
                line(b, "formats", sorted(c.formats()));
                line(b, "rates", c.discreteRates().isEmpty() ? range(c.rates(), "Hz")
                        : c.discreteRates().stream().sorted().map(String::valueOf).collect(Collectors.joining(" "))
                                + " Hz");
                line(b, "channels", range(c.channels(), ""));
                line(b, "period size", range(c.periodSize(), "frames"));
                line(b, "periods", range(c.periods(), ""));
                line(b, "buffer size", range(c.bufferSize(), "frames"));
                line(b, "can", c.capabilities().isEmpty() ? "-" : sorted(c.capabilities()));
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String what, String value) {
        b.append(String.format("        %-12s %s%n", what, value));
    }

    private static String range(Range r, String unit) {
        String v = r.min() == r.max() ? String.valueOf(r.min()) : r.min() + "-" + r.max();
        return unit.isEmpty() ? v : v + " " + unit;
    }

    private static String sorted(Set<? extends Enum<?>> values) {
        List<String> names = values.stream().sorted(Comparator.comparingInt(Enum::ordinal)).map(Enum::name).toList();
        return String.join(" ", names);
    }
}
