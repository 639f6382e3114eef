package pcmshare.core.api.pcm.hw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * alsa-lib itself (libasound.so.2, as every Debian system with sound has it),
 * reached through FFM: a "null" PCM, whose hw_refine is alsa-lib's own copy of
 * the kernel's rules (snd_pcm_hw_refine_soft), and the public
 * snd_pcm_hw_params_* functions an application calls. The reference the
 * refinement tests compare pcmshare against.
 */
final class AlsaLib implements AutoCloseable {
    static final int SND_PCM_STREAM_PLAYBACK = 0;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = load();

    private final Map<String, MethodHandle> handles = new HashMap<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment pcm;
    final MemorySegment params;

    AlsaLib() {
        MemorySegment pp = arena.allocate(ADDRESS);
        int err = call("snd_pcm_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), pp,
                arena.allocateFrom("null"), SND_PCM_STREAM_PLAYBACK, 0);
        if (err < 0) {
            throw new IllegalStateException("alsa-lib could not open its \"null\" PCM: error " + err);
        }
        pcm = pp.get(ADDRESS, 0);
        long size = (long) invoke("snd_pcm_hw_params_sizeof", FunctionDescriptor.of(JAVA_LONG));
        if (size != HwParamsLayout.SIZE) {
            throw new IllegalStateException("alsa-lib's snd_pcm_hw_params_t has " + size + " bytes, not "
                    + HwParamsLayout.SIZE);
        }
        params = arena.allocate(size, 8);
    }

    private static SymbolLookup load() {
        try {
            return SymbolLookup.libraryLookup("libasound.so.2", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("libasound.so.2 is needed to compare pcmshare's refinement with "
                    + "alsa-lib's: install it (apt-get install libasound2)", e);
        }
    }

    static long paramsSizeof() {
        try (AlsaLib a = new AlsaLib()) {
            return a.params.byteSize();
        }
    }

    HwSpace space() {
        return HwParamsLayout.read(params);
    }

    void space(HwSpace s) {
        HwParamsLayout.write(s, params);
    }

    int any() {
        return call("snd_pcm_hw_params_any", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), pcm, params);
    }

    int refine() {
        return call("snd_pcm_hw_refine", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), pcm, params);
    }

    /** snd_pcm_hw_params: refine, choose, install. */
    int hwParams() {
        return call("snd_pcm_hw_params", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), pcm, params);
    }

    int hwFree() {
        return call("snd_pcm_hw_free", FunctionDescriptor.of(JAVA_INT, ADDRESS), pcm);
    }

    /** snd_pcm_hw_params_set_NAME(pcm, params, unsigned val[, int dir]). */
    int setValue(String name, long val, Integer dir) {
        if (dir == null) {
            return call("snd_pcm_hw_params_set_" + name,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), pcm, params, (int) val);
        }
        return call("snd_pcm_hw_params_set_" + name,
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), pcm, params, (int) val,
                (int) dir);
    }

    /** snd_pcm_hw_params_set_NAME(pcm, params): e.g. periods_integer. */
    int setFlag(String name) {
        return call("snd_pcm_hw_params_set_" + name, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), pcm,
                params);
    }

    /**
     * snd_pcm_hw_params_set_NAME(pcm, params, T *val[, int *dir]) for _near,
     * _min, _max, _first and _last: {@code frames} says T is snd_pcm_uframes_t
     * rather than unsigned int. Answers {error, value, dir}.
     */
    long[] setRef(String name, long val, Integer dir, boolean frames) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8);
            if (frames) {
                v.set(JAVA_LONG, 0, val);
            } else {
                v.set(JAVA_INT, 0, (int) val);
            }
            MemorySegment d = a.allocate(4);
            d.set(JAVA_INT, 0, dir == null ? 0 : dir);
            int err = dir == null
                    ? call("snd_pcm_hw_params_set_" + name,
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), pcm, params, v)
                    : call("snd_pcm_hw_params_set_" + name,
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), pcm, params, v, d);
            long out = frames ? v.get(JAVA_LONG, 0) : Integer.toUnsignedLong(v.get(JAVA_INT, 0));
            return new long[] {err, out, d.get(JAVA_INT, 0)};
        }
    }

    /** snd_pcm_hw_params_set_NAME_minmax(pcm, params, T *min, int *mindir, T *max, int *maxdir). */
    int setMinmax(String name, long min, long max, boolean frames, boolean dirs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lo = a.allocate(8);
            MemorySegment hi = a.allocate(8);
            if (frames) {
                lo.set(JAVA_LONG, 0, min);
                hi.set(JAVA_LONG, 0, max);
            } else {
                lo.set(JAVA_INT, 0, (int) min);
                hi.set(JAVA_INT, 0, (int) max);
            }
            if (!dirs) {
                return call("snd_pcm_hw_params_set_" + name + "_minmax",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), pcm, params, lo, hi);
            }
            MemorySegment d1 = a.allocate(4);
            MemorySegment d2 = a.allocate(4);
            return call("snd_pcm_hw_params_set_" + name + "_minmax",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), pcm,
                    params, lo, d1, hi, d2);
        }
    }

    /** snd_pcm_hw_params_set_format_mask / _access_mask with the 64 mask bits given. */
    int setMask(String kind, long bits) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(64, 8);
            m.set(JAVA_LONG, 0, bits);
            return call("snd_pcm_hw_params_set_" + kind + "_mask",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), pcm, params, m);
        }
    }

    private int call(String name, FunctionDescriptor fd, Object... args) {
        return (int) invoke(name, fd, args);
    }

    private Object invoke(String name, FunctionDescriptor fd, Object... args) {
        MethodHandle h = handles.computeIfAbsent(name + fd, k -> LINKER.downcallHandle(
                LIB.find(name).orElseThrow(() -> new IllegalStateException("libasound.so.2 has no " + name)), fd));
        try {
            return h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    @Override
    public void close() {
        call("snd_pcm_close", FunctionDescriptor.of(JAVA_INT, ADDRESS), pcm);
        arena.close();
    }
}
