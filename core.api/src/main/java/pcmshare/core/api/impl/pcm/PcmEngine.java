package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.ENODEV;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.LiveMemory;
import pcmshare.core.api.memory.MemoryAllocator;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDiagnostics;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;

/**
 * The PCM core: cards made from driver services, and their substreams. The DS
 * component wraps one; tests build one directly on a manual clock.
 */
public final class PcmEngine implements PcmCore {
    /** Pointers wrap below this, as on a 64-bit kernel (LONG_MAX). */
    public static final long DEFAULT_POINTER_LIMIT = Long.MAX_VALUE;

    private final Clock clock;
    private final Supplier<MemoryAllocator> allocator;
    private final long pointerLimit;
    private final Map<String, Card> cards = new LinkedHashMap<>();
    private final Map<SoundCardDriver, Card> byDriver = new IdentityHashMap<>();
    private final CardIndexes indexes = new CardIndexes();
    private final PcmCounters counters = new PcmCounters();

    /**
     * @param clock        the core's clock; each card runs on it with the card's skew
     * @param allocator    where ring buffers come from (read at each hw_params)
     * @param pointerLimit hw_ptr/appl_ptr wrap below this; {@link #DEFAULT_POINTER_LIMIT}, or
     *                     0x7fffffff as the kernel's 32-bit compat layer, or less to test wraps
     */
    public PcmEngine(Clock clock, Supplier<MemoryAllocator> allocator, long pointerLimit) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        if (pointerLimit < 2) {
            throw new IllegalArgumentException("pointer limit too small: " + pointerLimit);
        }
        this.pointerLimit = pointerLimit;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Makes a card of a driver service; returns its id (suffixed when the driver's id is taken). Its index
     * is the driver's, or chosen by {@link CardIndexes}.
     *
     * @throws ErrnoException EINVAL, naming the driver, the property and the value, when the driver's
     *         declared hardware is not positive, ordered and bounded (the card is not made), or when the
     *         index it asks for is out of range; EBUSY when that index is taken
     */
    public String addCard(SoundCardDriver driver) {
        synchronized (cards) {
            if (byDriver.containsKey(driver)) {
                return byDriver.get(driver).id();
            }
            DriverConstraints.check(driver);
            String base = driver.id();
            String id = base;
            for (int n = 1; cards.containsKey(id); n++) {
                id = base + "_" + n;
            }
            int index = indexes.take(id, driver.index());
            Card card;
            try {
                card = new Card(id, index, driver, driver.devices(), clock.skewed(driver.clockSkewPpm()), counters);
            } catch (RuntimeException e) {
                indexes.release(id, index);
                throw e;
            }
            cards.put(id, card);
            byDriver.put(driver, card);
            return id;
        }
    }

    /** The driver service went away: its card disappears and its open substreams become DISCONNECTED. */
    public void removeCard(SoundCardDriver driver) {
        Card card;
        synchronized (cards) {
            card = byDriver.get(driver);
            if (card == null) {
                return;
            }
        }
        // disconnect before the card leaves the list: whoever sees it gone must also
        // see its substreams DISCONNECTED; opens meanwhile get ENODEV from the card
        card.disconnect();
        synchronized (cards) {
            if (byDriver.remove(driver, card)) {
                cards.remove(card.id(), card);
                indexes.release(card.id(), card.info().index());
            }
        }
    }

    /** Disconnects every card (the core is going away). */
    public void removeAll() {
        List<SoundCardDriver> drivers;
        synchronized (cards) {
            drivers = new ArrayList<>(byDriver.keySet());
        }
        drivers.forEach(this::removeCard);
    }

    @Override
    public List<CardInfo> cards() {
        synchronized (cards) {
            return cards.values().stream().map(Card::info).sorted(Comparator.comparingInt(CardInfo::index)).toList();
        }
    }

    @Override
    public Optional<CardInfo> card(String cardId) {
        synchronized (cards) {
            return Optional.ofNullable(cards.get(cardId)).map(Card::info);
        }
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking) {
        return open(cardId, device, direction, subdevice, nonBlocking, "");
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking,
            String holder) {
        Card card;
        synchronized (cards) {
            card = cards.get(cardId);
        }
        if (card == null) {
            throw new ErrnoException(ENODEV, "open", null, cardId, "no card " + cardId);
        }
        Substream s = card.open(device, direction, subdevice, nonBlocking, allocator.get(), pointerLimit);
        s.holder(holder);
        return new SubstreamHandle(s);
    }

    @Override
    public List<SubstreamInfo> substreams() {
        List<Card> present;
        synchronized (cards) {
            present = new ArrayList<>(cards.values());
        }
        present.sort(Comparator.comparingInt(c -> c.info().index()));
        List<SubstreamInfo> out = new ArrayList<>();
        for (Card card : present) {
            card.openSubstreams().stream()
                    .sorted(Comparator.comparingInt(Substream::device)
                            .thenComparing(Substream::direction)
                            .thenComparingInt(Substream::subdevice))
                    .map(Substream::info)
                    .filter(Objects::nonNull)
                    .forEach(out::add);
        }
        return out;
    }

    @Override
    public PcmDiagnostics diagnostics() {
        int n;
        synchronized (cards) {
            n = cards.size();
        }
        return new PcmDiagnostics(n, counters.substreams.get(), counters.handles.get(), LiveMemory.count(),
                LiveMemory.bytes());
    }
}
