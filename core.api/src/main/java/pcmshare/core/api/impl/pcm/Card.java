package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBUSY;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.errno.Errno.ENODEV;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmDeviceInfo;

/**
 * A card made from one driver service: its devices, which substreams are open,
 * and whether its driver is still there. Lock order: card, then substream.
 */
final class Card {
    private final String id;
    private final SoundCardDriver driver;
    private final CardInfo info;
    private final Clock clock;
    private final Map<Integer, PcmDeviceInfo> devices = new HashMap<>();
    /** Open substreams by device, direction and number. */
    private final Map<String, Substream> open = new HashMap<>();
    private final PcmCounters counters;
    private boolean disconnected;

    Card(String id, int index, SoundCardDriver driver, List<PcmDeviceInfo> deviceList, Clock clock,
            PcmCounters counters) {
        this.id = id;
        this.counters = counters;
        this.driver = driver;
        this.clock = clock;
        for (PcmDeviceInfo d : deviceList) {
            if (devices.putIfAbsent(d.device(), d) != null) {
                throw new IllegalArgumentException("card " + id + " declares device " + d.device() + " twice");
            }
        }
        this.info = new CardInfo(id, driver.name(), deviceList, driver.clockSkewPpm(), index);
    }

    String id() {
        return id;
    }

    CardInfo info() {
        return info;
    }

    Clock clock() {
        return clock;
    }

    SoundCardDriver driver() {
        return driver;
    }

    private static String key(int device, Direction direction, int subdevice) {
        return device + "/" + direction + "/" + subdevice;
    }

    /** snd_pcm_open / snd_pcm_attach_substream, non-blocking flavour: a busy substream is EBUSY. */
    synchronized Substream open(int device, Direction direction, int subdevice, boolean nonBlocking,
            MemoryAllocator allocator, long pointerLimit) {
        if (disconnected) {
            throw new ErrnoException(ENODEV, "open", "DISCONNECTED", id, "card " + id + " went away");
        }
        PcmDeviceInfo dev = devices.get(device);
        if (dev == null) {
            throw new ErrnoException(ENODEV, "open", null, device, "card " + id + " has no PCM device " + device
                    + "; devices: " + new java.util.TreeSet<>(devices.keySet()));
        }
        int count = dev.substreams(direction);
        if (subdevice < -1 || subdevice >= count) {
            throw new ErrnoException(ENODEV, "open", null, subdevice, "device " + id + "," + device + " has "
                    + count + " " + direction + " substreams");
        }
        int chosen = subdevice;
        if (chosen == -1) {
            for (int i = 0; i < count; i++) {
                if (!open.containsKey(key(device, direction, i))) {
                    chosen = i;
                    break;
                }
            }
            if (chosen == -1) {
                throw new ErrnoException(EBUSY, "open", null, count, "all " + direction + " substreams of " + id
                        + "," + device + " are open");
            }
        } else if (open.containsKey(key(device, direction, chosen))) {
            throw new ErrnoException(EBUSY, "open", null, chosen, "substream " + id + "," + device + ","
                    + direction + "#" + chosen + " is already open");
        }
        Substream s = new Substream(this, device, direction, chosen, dev.constraints(direction), allocator,
                pointerLimit, nonBlocking);
        PcmOps ops;
        try {
            ops = driver.open(s.runtime());
        } catch (ErrnoException e) {
            s.pages.release();
            throw e;
        } catch (RuntimeException e) {
            s.pages.release();
            throw new ErrnoException(EIO, "open", null, id, "driver failed to open: " + e, e);
        }
        if (ops == null) {
            s.pages.release();
            throw new ErrnoException(EIO, "open", null, id, "driver returned no ops");
        }
        s.attach(ops);
        open.put(key(device, direction, chosen), s);
        counters.substreams.incrementAndGet();
        counters.handles.incrementAndGet();
        return s;
    }

    synchronized void release(Substream s) {
        if (open.remove(key(s.device(), s.direction(), s.subdevice()), s)) {
            counters.substreams.decrementAndGet();
        }
    }

    PcmCounters counters() {
        return counters;
    }

    /** The driver went away: every open substream becomes DISCONNECTED. */
    void disconnect() {
        List<Substream> streams;
        synchronized (this) {
            disconnected = true;
            streams = new ArrayList<>(open.values());
        }
        for (Substream s : streams) {
            s.disconnect();
        }
    }

    synchronized boolean isDisconnected() {
        return disconnected;
    }

    synchronized Set<Substream> openSubstreams() {
        return new LinkedHashSet<>(open.values());
    }
}
