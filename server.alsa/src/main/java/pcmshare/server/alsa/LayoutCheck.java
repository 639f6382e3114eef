package pcmshare.server.alsa;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import pcmshare.core.api.pcm.hw.HwParamsLayout;

/**
 * Compares the sizes {@link ControlBlock} assumes with those of the libasound on this
 * machine ({@code snd_pcm_*_sizeof()}), which its clients use: a libasound whose
 * structs differ would read the control block at other offsets, so the server
 * refuses to start rather than serve it garbage. Without a libasound there is no
 * client to serve wrongly, and the check says so.
 */
final class LayoutCheck {

    /** What the check found: the mismatches (empty when all agree), and what it compared against. */
    record Result(List<String> mismatches, String against) {
        boolean agrees() {
            return mismatches.isEmpty();
        }
    }

    private LayoutCheck() {
    }

    private static volatile Result checked;

    /** The check, made once per JVM (libasound stays loaded once looked up). */
    static Result run() {
        Result r = checked;
        if (r == null) {
            r = check();
            checked = r;
        }
        return r;
    }

    private static Result check() {
        Optional<SymbolLookup> lib = libasound();
        if (lib.isEmpty()) {
            return new Result(List.of(), "no libasound.so.2 on this machine: nothing to compare");
        }
        List<String> bad = new ArrayList<>();
        compare(lib.get(), "snd_pcm_info_sizeof", ControlBlock.Info.SIZE, bad);
        compare(lib.get(), "snd_pcm_hw_params_sizeof", HwParamsLayout.SIZE, bad);
        compare(lib.get(), "snd_pcm_sw_params_sizeof", ControlBlock.SwParams.SIZE, bad);
        compare(lib.get(), "snd_pcm_status_sizeof", ControlBlock.Status.SIZE, bad);
        if (HwParamsLayout.SIZE + ControlBlock.U != ControlBlock.SIZE) {
            bad.add("snd_pcm_shm_ctrl_t: " + ControlBlock.SIZE + " bytes assumed, the union at "
                    + ControlBlock.U + " needs " + (HwParamsLayout.SIZE + ControlBlock.U));
        }
        return new Result(List.copyOf(bad), "libasound.so.2");
    }

    private static Optional<SymbolLookup> libasound() {
        try {
            return Optional.of(SymbolLookup.libraryLookup("libasound.so.2", java.lang.foreign.Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void compare(SymbolLookup lib, String function, long expected, List<String> bad) {
        Optional<java.lang.foreign.MemorySegment> sym = lib.find(function);
        if (sym.isEmpty()) {
            bad.add(function + ": not in libasound.so.2");
            return;
        }
        MethodHandle h = Linker.nativeLinker().downcallHandle(sym.get(), FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        long actual;
        try {
            actual = (long) h.invokeExact();
        } catch (Throwable t) {
            bad.add(function + ": " + t);
            return;
        }
        if (actual != expected) {
            bad.add(function + "() = " + actual + ", the server's layout has " + expected);
        }
    }
}
