package pcmshare.sharing.anondup;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.sharing.anondup.PcmPermission.INFO;
import static pcmshare.core.api.sharing.anondup.PcmPermission.MMAP;
import static pcmshare.core.api.sharing.anondup.PcmPermission.PARAMS;
import static pcmshare.core.api.sharing.anondup.PcmPermission.POINTER;
import static pcmshare.core.api.sharing.anondup.PcmPermission.POWER;
import static pcmshare.core.api.sharing.anondup.PcmPermission.RW;
import static pcmshare.core.api.sharing.anondup.PcmPermission.STATUS;
import static pcmshare.core.api.sharing.anondup.PcmPermission.TRIGGER;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.PeriodListener;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.core.api.pcm.hw.HwSpace;
import pcmshare.core.api.sharing.anondup.PcmPermission;
import pcmshare.core.api.sharing.anondup.PcmPermissions;
import pcmshare.core.api.sharing.anondup.Preset;

/**
 * Every operation of {@link PcmSubstream}, found by reflection, against every
 * preset, every single group and a few mixed sets: allowed, or EPERM naming the
 * operation and the permissions. The table below is the one place an operation
 * is given its group; an operation the API gains without a row fails
 * {@link #everyOperationOfTheApiHasAGroup()}.
 */
class PermissionMatrixTest {
    /** An operation every live handle may call (a dup never exceeds its parent). */
    private static final Optional<PcmPermission> ANY = Optional.empty();

    private static final Map<String, Optional<PcmPermission>> TABLE = new LinkedHashMap<>();

    static {
        row("cardId()", INFO);
        row("device()", INFO);
        row("direction()", INFO);
        row("subdevice()", INFO);
        row("constraints()", INFO);
        row("isNonBlocking()", INFO);
        row("hwParams()", INFO);
        row("swParams()", INFO);
        row("hwRefine(HwSpace)", INFO);
        row("setNonBlocking(boolean)", PARAMS);
        row("hwParams(HwParams)", PARAMS);
        row("hwParams(HwSpace)", PARAMS);
        row("hwFree()", PARAMS);
        row("swParams(SwParams)", PARAMS);
        row("prepare()", TRIGGER);
        row("start()", TRIGGER);
        row("drop()", TRIGGER);
        row("drain()", TRIGGER);
        row("pause(boolean)", TRIGGER);
        row("suspend()", POWER);
        row("resume()", POWER);
        row("reset()", POINTER);
        row("rewind(long)", POINTER);
        row("forward(long)", POINTER);
        row("write(MemorySegment,long)", RW);
        row("write(MemorySegment[],long)", RW);
        row("read(MemorySegment,long)", RW);
        row("read(MemorySegment[],long)", RW);
        row("mmapBegin(long)", RW);
        row("mmapCommit(long,long)", RW);
        row("waitAvail(long)", RW);
        row("map()", MMAP);
        row("hwsync()", STATUS);
        row("state()", STATUS);
        row("status()", STATUS);
        row("avail()", STATUS);
        row("availUpdate()", STATUS);
        row("delay()", STATUS);
        row("addPeriodListener(PeriodListener)", STATUS);
        row("linkedWith()", STATUS);
        row("link(PcmSubstream)", PcmPermission.LINK);
        row("unlink()", PcmPermission.LINK);
        TABLE.put("removePeriodListener(PeriodListener)", ANY);
        TABLE.put("dup()", ANY);
        TABLE.put("close()", ANY);
    }

    private static void row(String signature, PcmPermission group) {
        TABLE.put(signature, Optional.of(group));
    }

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    static List<Method> operations() {
        List<Method> ops = new ArrayList<>();
        for (Method m : PcmSubstream.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                ops.add(m);
            }
        }
        // AutoCloseable.close and PcmSubstream.close are one operation
        Map<String, Method> unique = new LinkedHashMap<>();
        ops.forEach(m -> unique.putIfAbsent(signature(m), m));
        return new ArrayList<>(unique.values());
    }

    @Test
    void everyOperationOfTheApiHasAGroup() {
        TreeSet<String> api = operations().stream().map(PermissionMatrixTest::signature)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(TABLE.keySet()).as("operations of PcmSubstream without a permission group in the table")
                .containsAll(api);
        assertThat(api).as("table rows for operations PcmSubstream does not have").containsAll(TABLE.keySet());
        assertThat(api).hasSizeGreaterThanOrEqualTo(37);
    }

    @Test
    void controlBelongsOnlyToFull() {
        for (var e : TABLE.entrySet()) {
            PcmPermission g = e.getValue().orElse(null);
            boolean control = g == PARAMS || g == TRIGGER || g == POINTER || g == POWER || g == PcmPermission.LINK;
            if (control) {
                assertThat(Preset.MONITOR.permissions().has(g)).as(e.getKey()).isFalse();
                assertThat(Preset.BUFFER.permissions().has(g)).as(e.getKey()).isFalse();
                assertThat(Preset.FULL.permissions().has(g)).as(e.getKey()).isTrue();
            }
        }
    }

    static Stream<Arguments> matrix() {
        List<PcmPermissions> sets = new ArrayList<>();
        for (Preset p : Preset.values()) {
            sets.add(p.permissions());
        }
        sets.add(PcmPermissions.NONE);
        for (PcmPermission g : PcmPermission.values()) {
            sets.add(PcmPermissions.of(g));
        }
        sets.add(PcmPermissions.of(MMAP, STATUS));
        sets.add(PcmPermissions.of(INFO, TRIGGER, PARAMS));
        sets.add(PcmPermissions.of(RW, POINTER));
        List<Arguments> cases = new ArrayList<>();
        for (PcmPermissions set : sets) {
            for (Method m : operations()) {
                cases.add(Arguments.of(set, signature(m), m));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void everyOperationIsAllowedOrEPERM(PcmPermissions set, String signature, Method op) throws Exception {
        Optional<PcmPermission> group = TABLE.get(signature);
        assertThat(group).as("no row for " + signature).isNotNull();
        boolean allowed = group.map(set::has).orElse(true);
        Rig rig = new Rig();
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, Rig.STD.withAccess(Access.MMAP_INTERLEAVED));
        // a call that would wait for the hardware returns EAGAIN instead
        original.setNonBlocking(true);
        PcmSubstream dup = rig.backend.dup(original, set, "matrix");
        Object result = null;
        ErrnoException refused = null;
        try {
            result = op.invoke(dup, arguments(op, original));
        } catch (InvocationTargetException e) {
            if (!(e.getCause() instanceof ErrnoException ee)) {
                throw e;
            }
            refused = ee;
        } finally {
            if (result instanceof AutoCloseable c) {
                c.close();
            }
        }
        if (allowed) {
            assertThat(refused == null ? null : refused.errno()).as(signature + " with " + set + ": "
                    + (refused == null ? "" : refused.getMessage())).isNotEqualTo(Errno.EPERM);
        } else {
            assertThat(refused).as(signature + " with " + set + " must be refused").isNotNull();
            assertThat(refused.errno()).as(refused.getMessage()).isEqualTo(Errno.EPERM);
            assertThat(refused.operation()).isNotBlank();
            assertThat(refused.getMessage()).contains(refused.operation()).contains(group.orElseThrow().name())
                    .contains(set.toString());
            assertThat(refused.state()).isEqualTo(set.toString());
        }
        dup.close();
        original.close();
        assertThat(rig.card.last().closed).as("the substream is closed once every handle is").isTrue();
    }

    private static Object[] arguments(Method m, PcmSubstream original) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == long.class) {
                args[i] = 0L; // zero frames and zero timeouts never wait
            } else if (t == boolean.class) {
                args[i] = false;
            } else if (t == MemorySegment.class) {
                args[i] = Rig.frames(Rig.PERIOD, 1);
            } else if (t == MemorySegment[].class) {
                args[i] = new MemorySegment[] {Rig.frames(Rig.PERIOD, 1), Rig.frames(Rig.PERIOD, 2)};
            } else if (t == HwParams.class) {
                args[i] = Rig.STD.withAccess(Access.MMAP_INTERLEAVED);
            } else if (t == HwSpace.class) {
                args[i] = HwSpace.of(Rig.STD.withAccess(Access.MMAP_INTERLEAVED));
            } else if (t == SwParams.class) {
                args[i] = original.swParams();
            } else if (t == PcmSubstream.class) {
                args[i] = original; // linking to itself: EINVAL once permitted
            } else if (t == PeriodListener.class) {
                args[i] = (PeriodListener) (substream, hwPtr) -> { };
            } else {
                throw new AssertionError("no test argument for a " + t + " in " + m);
            }
        }
        return args;
    }

    @Test
    void mappingThroughABufferDup_seesTheOriginalsSamples() {
        Rig rig = new Rig();
        PcmSubstream original = rig.prepared(Direction.PLAYBACK, Rig.STD.withAccess(Access.MMAP_INTERLEAVED));
        PcmSubstream dup = rig.backend.dup(original, Preset.BUFFER, "buffer");
        try (PcmMapping m = dup.map(); PcmMapping mine = original.map()) {
            mine.memory().segment().fill((byte) 9);
            assertThat(m.memory().segment().asByteBuffer().get(5)).isEqualTo((byte) 9);
        }
        dup.close();
        original.close();
    }
}
