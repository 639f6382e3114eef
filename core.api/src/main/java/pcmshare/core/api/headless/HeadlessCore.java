package pcmshare.core.api.headless;

import java.util.List;
import java.util.Optional;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.impl.pcm.PcmEngine;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmDiagnostics;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;

/**
 * The PCM core without a framework, for a driver's unit tests: the same core the
 * container runs (state machine, ring buffer, rules), on a clock the test gives,
 * usually a {@link pcmshare.core.api.clock.ManualClock} it advances, with cards
 * the test adds and removes as the container's whiteboard would:
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock(0);
 * try (HeadlessCore core = HeadlessCore.on(clock)) {
 *     String id = core.addCard(new MyCard());
 *     PcmSubstream s = core.open(id, 0, Direction.PLAYBACK);
 *     s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 4));
 *     ...
 *     clock.advance(10_000_000);               // one period
 * }
 * }</pre>
 *
 * Ring buffers come from the platform allocator (memfd on Linux). The driver
 * conformance kit runs on one too ({@code DriverConformance.headless}).
 */
public final class HeadlessCore implements PcmCore, AutoCloseable {
    private final PcmEngine engine;

    private HeadlessCore(Clock clock) {
        this.engine = new PcmEngine(clock, Allocators::platform, PcmEngine.DEFAULT_POINTER_LIMIT);
    }

    /** A core on {@code clock}: a ManualClock for tests that move time, {@link Clock#monotonic()} for real time. */
    public static HeadlessCore on(Clock clock) {
        return new HeadlessCore(clock);
    }

    /** The core's clock; each card runs on it at the card's skew. */
    public Clock clock() {
        return engine.clock();
    }

    /**
     * Makes a card of {@code driver}, as the container does when the driver's service appears.
     *
     * @return the card's id (the driver's, suffixed when another card has it)
     */
    public String addCard(SoundCardDriver driver) {
        return engine.addCard(driver);
    }

    /** Takes the card of {@code driver} away, as when its service goes: its open substreams become DISCONNECTED. */
    public void removeCard(SoundCardDriver driver) {
        engine.removeCard(driver);
    }

    @Override
    public List<CardInfo> cards() {
        return engine.cards();
    }

    @Override
    public Optional<CardInfo> card(String cardId) {
        return engine.card(cardId);
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking) {
        return engine.open(cardId, device, direction, subdevice, nonBlocking);
    }

    @Override
    public PcmSubstream open(String cardId, int device, Direction direction, int subdevice, boolean nonBlocking,
            String holder) {
        return engine.open(cardId, device, direction, subdevice, nonBlocking, holder);
    }

    @Override
    public List<SubstreamInfo> substreams() {
        return engine.substreams();
    }

    @Override
    public PcmDiagnostics diagnostics() {
        return engine.diagnostics();
    }

    /** Removes every card; their open substreams become DISCONNECTED. */
    @Override
    public void close() {
        engine.removeAll();
    }
}
