package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.BUFFER;
import static pcmshare.core.api.impl.pcm.Rig.PERIOD;
import static pcmshare.core.api.impl.pcm.Rig.PERIODS;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.SwParams;

/**
 * Every (state, operation) pair of ALSA's state machine (pcm_native.c,
 * pcm_lib.c) with its result, per direction. A cell is {@code OK} (state
 * unchanged), {@code OK>STATE}, an errno (state unchanged) or {@code ERRNO>STATE}.
 * Transfers and drain run in non-blocking mode so that no cell waits; the
 * blocking behaviour has its own tests.
 */
class StateTableTest {

    private static final String OPS =
            "hw_params hw_free sw_params prepare start drop drain pause_push pause_release suspend resume reset xfer hwsync rewind forward delay status close";

    private static final String PLAYBACK = """
            OPEN         OK>SETUP EBADFD  EBADFD EBADFD      EBADFD     EBADFD   EBADFD          EBADFD     EBADFD     EBUSY        EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            SETUP        OK       OK>OPEN OK     OK>PREPARED EBADFD     OK       EAGAIN          EBADFD     EBADFD     EBUSY        EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            PREPARED     OK>SETUP OK>OPEN OK     OK          OK>RUNNING OK>SETUP EAGAIN>DRAINING EBADFD     EBADFD     OK>SUSPENDED EBADFD     OK     OK      OK      OK      OK      OK      OK OK
            RUNNING      EBADFD   EBADFD  OK     EBUSY       EBADFD     OK>SETUP EAGAIN>DRAINING OK>PAUSED  EBADFD     OK>SUSPENDED EBADFD     OK     OK      OK      OK      OK      OK      OK OK
            XRUN         EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EAGAIN>SETUP    EBADFD     EBADFD     OK>SUSPENDED EBADFD     EBADFD EPIPE   EPIPE   EPIPE   EPIPE   EPIPE   OK OK
            DRAINING     EBADFD   EBADFD  OK     EBUSY       EBADFD     OK>SETUP EAGAIN          EBADFD     EBADFD     OK>SUSPENDED EBADFD     EBADFD EBADFD  OK      OK      OK      OK      OK OK
            PAUSED       EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EAGAIN>DRAINING EBADFD     OK>RUNNING OK>SUSPENDED EBADFD     OK     OK      OK      OK      OK      OK      OK OK
            SUSPENDED    EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EBADFD          EBADFD     EBADFD     EBUSY        OK>RUNNING OK     ESTRPIPE ESTRPIPE ESTRPIPE ESTRPIPE ESTRPIPE OK OK
            DISCONNECTED EBADFD   EBADFD  EBADFD EBADFD      EBADFD     EBADFD   EBADFD          EBADFD     EBADFD     EBADFD       EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            """;

    private static final String CAPTURE = """
            OPEN         OK>SETUP EBADFD  EBADFD EBADFD      EBADFD     EBADFD   EBADFD          EBADFD     EBADFD     EBUSY        EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            SETUP        OK       OK>OPEN OK     OK>PREPARED EBADFD     OK       EAGAIN          EBADFD     EBADFD     EBUSY        EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            PREPARED     OK>SETUP OK>OPEN OK     OK          OK>RUNNING OK>SETUP EAGAIN          EBADFD     EBADFD     OK>SUSPENDED EBADFD     OK     EAGAIN>RUNNING OK OK     OK      OK      OK OK
            RUNNING      EBADFD   EBADFD  OK     EBUSY       EBADFD     OK>SETUP EAGAIN>SETUP    OK>PAUSED  EBADFD     OK>SUSPENDED EBADFD     OK     EAGAIN  OK      OK      OK      OK      OK OK
            XRUN         EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EAGAIN          EBADFD     EBADFD     OK>SUSPENDED EBADFD     EBADFD EPIPE   EPIPE   EPIPE   EPIPE   EPIPE   OK OK
            DRAINING     EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EAGAIN          EBADFD     EBADFD     OK>SUSPENDED EBADFD     EBADFD OK      EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            PAUSED       EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EAGAIN>SETUP    EBADFD     OK>RUNNING OK>SUSPENDED EBADFD     OK     EAGAIN  OK      OK      OK      OK      OK OK
            SUSPENDED    EBADFD   EBADFD  OK     OK>PREPARED EBADFD     OK>SETUP EBADFD          EBADFD     EBADFD     EBUSY        OK>RUNNING OK     ESTRPIPE ESTRPIPE ESTRPIPE ESTRPIPE ESTRPIPE OK OK
            DISCONNECTED EBADFD   EBADFD  EBADFD EBADFD      EBADFD     EBADFD   EBADFD          EBADFD     EBADFD     EBADFD       EBADFD     EBADFD EBADFD  EBADFD  EBADFD  EBADFD  EBADFD  OK OK
            """;

    private static final Map<String, Consumer<Substream>> OPERATIONS = new LinkedHashMap<>();

    static {
        OPERATIONS.put("hw_params", s -> s.hwParams(Rig.STD));
        OPERATIONS.put("hw_free", Substream::hwFree);
        OPERATIONS.put("sw_params", s -> s.swParams(new SwParams(PERIOD, 1, BUFFER, 0, 0, 0)));
        OPERATIONS.put("prepare", Substream::prepare);
        OPERATIONS.put("start", Substream::start);
        OPERATIONS.put("drop", Substream::drop);
        OPERATIONS.put("drain", Substream::drain);
        OPERATIONS.put("pause_push", s -> s.pause(true));
        OPERATIONS.put("pause_release", s -> s.pause(false));
        OPERATIONS.put("suspend", Substream::suspend);
        OPERATIONS.put("resume", Substream::resume);
        OPERATIONS.put("reset", Substream::reset);
        OPERATIONS.put("xfer", s -> {
            MemorySegment m = Rig.frames(PERIOD, 3);
            if (s.direction() == Direction.PLAYBACK) {
                s.write(m, PERIOD);
            } else {
                s.read(m, PERIOD);
            }
        });
        OPERATIONS.put("hwsync", Substream::hwsync);
        OPERATIONS.put("rewind", s -> s.rewind(1));
        OPERATIONS.put("forward", s -> s.forward(1));
        OPERATIONS.put("delay", Substream::delay);
        OPERATIONS.put("status", Substream::status);
        OPERATIONS.put("close", Substream::close);
    }

    static Stream<Arguments> table() {
        List<Arguments> cases = new ArrayList<>();
        String[] ops = OPS.split("\\s+");
        for (Direction d : Direction.values()) {
            String table = d == Direction.PLAYBACK ? PLAYBACK : CAPTURE;
            for (String line : table.strip().split("\n")) {
                String[] cells = line.strip().split("\\s+");
                assertThat(cells).as(line).hasSize(ops.length + 1);
                PcmState state = PcmState.valueOf(cells[0]);
                for (int i = 0; i < ops.length; i++) {
                    cases.add(Arguments.of(d, state, ops[i], cells[i + 1]));
                }
            }
        }
        assertThat(cases).hasSize(2 * PcmState.values().length * OPERATIONS.size());
        return cases.stream();
    }

    /** Brings a fresh substream to {@code state} through the public operations only. */
    static Substream inState(Rig rig, Direction d, PcmState state) {
        Substream s = switch (state) {
            case OPEN -> rig.open(d);
            case SETUP -> rig.setup(d);
            case PREPARED -> {
                Substream p = rig.prepared(d);
                if (d == Direction.PLAYBACK) {
                    p.swParams(p.swParams().withStartThreshold(BUFFER + 1));
                    Rig.write(p, PERIOD);
                }
                yield p;
            }
            case RUNNING -> rig.running(d, 2 * PERIOD);
            case XRUN -> {
                Substream x = rig.running(d, PERIOD);
                rig.periods(PERIODS);
                yield x;
            }
            case DRAINING -> {
                Substream x = rig.running(d, 2 * PERIOD);
                if (d == Direction.CAPTURE) {
                    rig.periods(1);
                }
                x.setNonBlocking(true);
                Rig.assertRefused(pcmshare.core.api.errno.Errno.EAGAIN, x::drain);
                yield x;
            }
            case PAUSED -> {
                Substream x = rig.running(d, 2 * PERIOD);
                x.pause(true);
                yield x;
            }
            case SUSPENDED -> {
                Substream x = rig.running(d, 2 * PERIOD);
                x.suspend();
                yield x;
            }
            case DISCONNECTED -> {
                Substream x = rig.running(d, 2 * PERIOD);
                rig.engine.removeCard(rig.card);
                yield x;
            }
        };
        assertThat(s.state()).as("precondition").isEqualTo(state);
        return s;
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("table")
    void stateOperationTable(Direction d, PcmState state, String op, String expected) {
        try (Rig rig = new Rig()) {
            Substream s = inState(rig, d, state);
            s.setNonBlocking(true);
            String[] parts = expected.split(">");
            String result;
            try {
                OPERATIONS.get(op).accept(s);
                result = "OK";
            } catch (ErrnoException e) {
                result = e.errno().name();
                assertThat(e.operation()).isNotBlank();
                assertThat(e.getMessage()).contains(e.errno().name());
            }
            assertThat(result).as("%s %s in %s", d, op, state).isEqualTo(parts[0]);
            if (!op.equals("close")) {
                PcmState after = parts.length > 1 ? PcmState.valueOf(parts[1]) : state;
                assertThat(s.state()).as("state after %s %s in %s", d, op, state).isEqualTo(after);
            }
        }
    }
}
