package pcmshare.server.alsa;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * The one place that knows the layout of alsa-lib's {@code snd_pcm_shm_ctrl_t}
 * (include/aserver.h) on Linux x86_64 and of the structs its union embeds, with the
 * command numbers the client writes into {@code cmd}. alsa-lib has kept them
 * unchanged from 1.2.8 to 1.2.16; {@link LayoutCheck} compares the sizes with the
 * libasound the clients use when the server starts.
 *
 * <pre>
 * long result;                      0
 * int cmd;                          8
 * snd_pcm_shm_rbptr_t hw;          16  { snd_pcm_uframes_t ptr; int use_mmap; off_t offset; int changed; }
 * snd_pcm_shm_rbptr_t appl;        48
 * union { ... } u;                 80  (its largest member: snd_pcm_hw_params_t, 608 bytes)
 * </pre>
 */
final class ControlBlock {

    static final long SIZE = 688;

    static final long RESULT = 0;
    static final long CMD = 8;
    static final long HW = 16;
    static final long APPL = 48;
    static final long RBPTR_PTR = 0;
    static final long RBPTR_USE_MMAP = 8;
    static final long RBPTR_OFFSET = 16;
    static final long RBPTR_CHANGED = 24;
    static final long RBPTR_SIZE = 32;
    static final long U = 80;

    // union members that are not whole structs
    static final long U_ASYNC_SIG = U;
    static final long U_ASYNC_PID = U + 4;
    static final long U_FRAMES = U;          // avail, delay, rewind, forward: one snd_pcm_[us]frames_t
    static final long U_PAUSE_ENABLE = U;
    static final long U_MMAP_COMMIT_OFFSET = U;
    static final long U_MMAP_COMMIT_FRAMES = U + 8;

    /** struct snd_pcm_info. */
    static final class Info {
        static final long SIZE = 288;
        static final long DEVICE = 0, SUBDEVICE = 4, STREAM = 8, CARD = 12, ID = 16, NAME = 80, SUBNAME = 160,
                DEV_CLASS = 192, DEV_SUBCLASS = 196, SUBDEVICES_COUNT = 200, SUBDEVICES_AVAIL = 204, SYNC = 208;
        static final int ID_LEN = 64, NAME_LEN = 80, SUBNAME_LEN = 32;

        private Info() {
        }
    }

    /** struct snd_pcm_sw_params. */
    static final class SwParams {
        static final long SIZE = 136;
        static final long TSTAMP_MODE = 0, PERIOD_STEP = 4, SLEEP_MIN = 8, AVAIL_MIN = 16, XFER_ALIGN = 24,
                START_THRESHOLD = 32, STOP_THRESHOLD = 40, SILENCE_THRESHOLD = 48, SILENCE_SIZE = 56,
                BOUNDARY = 64, PROTO = 72, TSTAMP_TYPE = 76;

        private SwParams() {
        }
    }

    /** struct snd_pcm_status (64-bit timespecs). */
    static final class Status {
        static final long SIZE = 152;
        static final long STATE = 0, TRIGGER_TSTAMP = 8, TSTAMP = 24, APPL_PTR = 40, HW_PTR = 48, DELAY = 56,
                AVAIL = 64, AVAIL_MAX = 72, OVERRANGE = 80, SUSPENDED_STATE = 88, AUDIO_TSTAMP_DATA = 92,
                AUDIO_TSTAMP = 96, DRIVER_TSTAMP = 112, AUDIO_TSTAMP_ACCURACY = 128;

        private Status() {
        }
    }

    /** alsa-lib's own snd_pcm_channel_info_t (src/pcm/pcm_local.h), not the kernel's. */
    static final class ChannelInfo {
        static final long SIZE = 112;
        static final long CHANNEL = 0, ADDR = 8, FIRST = 16, STEP = 20, TYPE = 24, MMAP_FD = 32, MMAP_OFFSET = 40;
        /** enum { SND_PCM_AREA_SHM, SND_PCM_AREA_MMAP, SND_PCM_AREA_LOCAL }. */
        static final int AREA_MMAP = 1;

        private ChannelInfo() {
        }
    }

    // --- the commands, as the client's ioctl numbers (asm-generic _IOC on x86_64) ---

    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    static int io(int nr) {
        return ioc(0, nr, 0);
    }

    static int ior(int nr, long size) {
        return ioc(IOC_READ, nr, size);
    }

    static int iow(int nr, long size) {
        return ioc(IOC_WRITE, nr, size);
    }

    static int iowr(int nr, long size) {
        return ioc(IOC_READ | IOC_WRITE, nr, size);
    }

    private static int ioc(int dir, int nr, long size) {
        return (dir << 30) | ((int) size << 16) | ('A' << 8) | nr;
    }

    static final int INFO = ior(0x01, Info.SIZE);
    static final int HW_REFINE = iowr(0x10, 608);
    static final int HW_PARAMS = iowr(0x11, 608);
    static final int HW_FREE = io(0x12);
    static final int SW_PARAMS = iowr(0x13, SwParams.SIZE);
    static final int STATUS = ior(0x20, Status.SIZE);
    static final int DELAY = ior(0x21, 8);
    static final int HWSYNC = io(0x22);
    /** The kernel's struct snd_pcm_channel_info is 24 bytes; the number carries that size. */
    static final int CHANNEL_INFO = ior(0x32, 24);
    static final int PREPARE = io(0x40);
    static final int RESET = io(0x41);
    static final int START = io(0x42);
    static final int DROP = io(0x43);
    static final int DRAIN = io(0x44);
    static final int PAUSE = iow(0x45, 4);
    static final int REWIND = iow(0x46, 8);
    static final int RESUME = io(0x47);
    static final int LINK = iow(0x60, 4);
    static final int UNLINK = io(0x61);
    // aserver.h's own
    static final int STATE = io(0xf1);
    static final int MMAP = io(0xf2);
    static final int MUNMAP = io(0xf3);
    static final int MMAP_COMMIT = io(0xf4);
    static final int AVAIL_UPDATE = io(0xf5);
    static final int ASYNC = io(0xf6);
    static final int CLOSE = io(0xf7);
    static final int POLL_DESCRIPTOR = io(0xf8);
    static final int HW_PTR_FD = io(0xf9);
    static final int APPL_PTR_FD = io(0xfa);
    static final int FORWARD = io(0xfb);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(INFO, "INFO"),
            Map.entry(HW_REFINE, "HW_REFINE"),
            Map.entry(HW_PARAMS, "HW_PARAMS"),
            Map.entry(HW_FREE, "HW_FREE"),
            Map.entry(SW_PARAMS, "SW_PARAMS"),
            Map.entry(STATUS, "STATUS"),
            Map.entry(DELAY, "DELAY"),
            Map.entry(HWSYNC, "HWSYNC"),
            Map.entry(CHANNEL_INFO, "CHANNEL_INFO"),
            Map.entry(PREPARE, "PREPARE"),
            Map.entry(RESET, "RESET"),
            Map.entry(START, "START"),
            Map.entry(DROP, "DROP"),
            Map.entry(DRAIN, "DRAIN"),
            Map.entry(PAUSE, "PAUSE"),
            Map.entry(REWIND, "REWIND"),
            Map.entry(RESUME, "RESUME"),
            Map.entry(LINK, "LINK"),
            Map.entry(UNLINK, "UNLINK"),
            Map.entry(STATE, "STATE"),
            Map.entry(MMAP, "MMAP"),
            Map.entry(MUNMAP, "MUNMAP"),
            Map.entry(MMAP_COMMIT, "MMAP_COMMIT"),
            Map.entry(AVAIL_UPDATE, "AVAIL_UPDATE"),
            Map.entry(ASYNC, "ASYNC"),
            Map.entry(CLOSE, "CLOSE"),
            Map.entry(POLL_DESCRIPTOR, "POLL_DESCRIPTOR"),
            Map.entry(HW_PTR_FD, "HW_PTR_FD"),
            Map.entry(APPL_PTR_FD, "APPL_PTR_FD"),
            Map.entry(FORWARD, "FORWARD"));

    /** The command's name for logs and errors, or its number in hex. */
    static String name(int cmd) {
        String n = NAMES.get(cmd);
        return n != null ? n : String.format("0x%08x", cmd);
    }

    // --- access to one control block ---

    private final MemorySegment s;

    ControlBlock(MemorySegment segment) {
        if (segment.byteSize() < SIZE) {
            throw new IllegalArgumentException("control block needs " + SIZE + " bytes, got " + segment.byteSize());
        }
        this.s = segment;
    }

    MemorySegment segment() {
        return s;
    }

    /** The union, as a segment of its own (608 bytes). */
    MemorySegment union() {
        return s.asSlice(U, SIZE - U);
    }

    int cmd() {
        return s.get(ValueLayout.JAVA_INT, CMD);
    }

    void clearCmd() {
        s.set(ValueLayout.JAVA_INT, CMD, 0);
    }

    void result(long r) {
        s.set(ValueLayout.JAVA_LONG, RESULT, r);
    }

    long result() {
        return s.get(ValueLayout.JAVA_LONG, RESULT);
    }

    /** The positions the client reads directly: hw.ptr and appl.ptr, never "changed". */
    void positions(long hwPtr, long applPtr) {
        s.set(ValueLayout.JAVA_LONG, HW + RBPTR_PTR, hwPtr);
        s.set(ValueLayout.JAVA_LONG, APPL + RBPTR_PTR, applPtr);
    }

    void hwPtr(long hwPtr) {
        s.set(ValueLayout.JAVA_LONG, HW + RBPTR_PTR, hwPtr);
    }

    long hwPtr() {
        return s.get(ValueLayout.JAVA_LONG, HW + RBPTR_PTR);
    }

    long applPtr() {
        return s.get(ValueLayout.JAVA_LONG, APPL + RBPTR_PTR);
    }

    long u64(long offset) {
        return s.get(ValueLayout.JAVA_LONG, offset);
    }

    int u32(long offset) {
        return s.get(ValueLayout.JAVA_INT, offset);
    }

    void u64(long offset, long v) {
        s.set(ValueLayout.JAVA_LONG, offset, v);
    }

    void u32(long offset, int v) {
        s.set(ValueLayout.JAVA_INT, offset, v);
    }
}
