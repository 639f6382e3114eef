package pcmshare.server.alsa;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.SwParams;
import pcmshare.server.alsa.ControlBlock.ChannelInfo;
import pcmshare.server.alsa.ControlBlock.Info;
import pcmshare.server.alsa.ControlBlock.Status;

/**
 * Reads and writes the structs of the control block's union from and to pcmshare's
 * values, field by field at the offsets {@link ControlBlock} names. Every field a
 * struct has is written (zeros where pcmshare has nothing to say), so nothing of an
 * earlier command is left behind in the union for the client to read.
 */
final class Structs {

    private static final long NANOS = 1_000_000_000L;

    private Structs() {
    }

    /** snd_pcm_info, as the kernel's snd_pcm_info() fills it. */
    static void writeInfo(MemorySegment u, int cardIndex, String deviceId, String deviceName, int device,
            int subdevice, Direction direction, int subdevices, int subdevicesAvail) {
        u.asSlice(0, Info.SIZE).fill((byte) 0);
        u.set(ValueLayout.JAVA_INT, Info.DEVICE, device);
        u.set(ValueLayout.JAVA_INT, Info.SUBDEVICE, subdevice);
        u.set(ValueLayout.JAVA_INT, Info.STREAM, streamNumber(direction));
        u.set(ValueLayout.JAVA_INT, Info.CARD, cardIndex);
        cString(u, Info.ID, Info.ID_LEN, deviceId);
        cString(u, Info.NAME, Info.NAME_LEN, deviceName);
        cString(u, Info.SUBNAME, Info.SUBNAME_LEN, "subdevice #" + subdevice);
        u.set(ValueLayout.JAVA_INT, Info.SUBDEVICES_COUNT, subdevices);
        u.set(ValueLayout.JAVA_INT, Info.SUBDEVICES_AVAIL, subdevicesAvail);
    }

    /** SND_PCM_STREAM_PLAYBACK 0, SND_PCM_STREAM_CAPTURE 1. */
    static int streamNumber(Direction d) {
        return d == Direction.PLAYBACK ? 0 : 1;
    }

    /** The kernel's snd_pcm_state_t: OPEN 0 … DISCONNECTED 8, pcmshare's order. */
    static int stateNumber(PcmState s) {
        return s.ordinal();
    }

    /** SNDRV_PCM_TSTAMP_TYPE_GETTIMEOFDAY, the tstamp_type of clients that say nothing. */
    static final int TSTAMP_TYPE_GETTIMEOFDAY = 0;

    /** The clock the client wants timestamps on (sw_params tstamp_type). */
    static int tstampType(MemorySegment u) {
        return u.get(ValueLayout.JAVA_INT, ControlBlock.SwParams.TSTAMP_TYPE);
    }

    /** snd_pcm_sw_params as the client sent it, as pcmshare's software parameters. */
    static SwParams readSwParams(MemorySegment u) {
        return new SwParams(u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.AVAIL_MIN),
                u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.START_THRESHOLD),
                u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.STOP_THRESHOLD),
                u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.SILENCE_THRESHOLD),
                u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.SILENCE_SIZE),
                u.get(ValueLayout.JAVA_LONG, ControlBlock.SwParams.BOUNDARY));
    }

    /** Writes back what is in force; the other fields (tstamp mode, proto …) stay as the client sent them. */
    static void writeSwParams(MemorySegment u, SwParams p) {
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.AVAIL_MIN, p.availMin());
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.START_THRESHOLD, p.startThreshold());
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.STOP_THRESHOLD, p.stopThreshold());
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.SILENCE_THRESHOLD, p.silenceThreshold());
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.SILENCE_SIZE, p.silenceSize());
        u.set(ValueLayout.JAVA_LONG, ControlBlock.SwParams.BOUNDARY, p.boundary());
    }

    /**
     * snd_pcm_status from pcmshare's status; {@code clockOffsetNanos} moves the core's
     * monotonic timestamps onto the clock the client chose (its sw_params tstamp_type).
     */
    static void writeStatus(MemorySegment u, PcmStatus st, long clockOffsetNanos) {
        u.asSlice(0, Status.SIZE).fill((byte) 0);
        u.set(ValueLayout.JAVA_INT, Status.STATE, stateNumber(st.state()));
        if (st.triggerTimestampNanos() != 0) {
            timespec(u, Status.TRIGGER_TSTAMP, st.triggerTimestampNanos() + clockOffsetNanos);
        }
        timespec(u, Status.TSTAMP, st.timestampNanos() + clockOffsetNanos);
        u.set(ValueLayout.JAVA_LONG, Status.APPL_PTR, st.applPtr());
        u.set(ValueLayout.JAVA_LONG, Status.HW_PTR, st.hwPtr());
        u.set(ValueLayout.JAVA_LONG, Status.DELAY, st.delay());
        u.set(ValueLayout.JAVA_LONG, Status.AVAIL, st.avail());
        u.set(ValueLayout.JAVA_LONG, Status.AVAIL_MAX, st.availMax());
        u.set(ValueLayout.JAVA_INT, Status.SUSPENDED_STATE,
                st.suspendedState() == null ? 0 : stateNumber(st.suspendedState()));
    }

    /** The channel the client asks about. */
    static int channelOf(MemorySegment u) {
        return u.get(ValueLayout.JAVA_INT, ChannelInfo.CHANNEL);
    }

    /**
     * The answer to CHANNEL_INFO: SND_PCM_AREA_MMAP of the ring's memfd at offset 0, each
     * channel where the kernel's snd_pcm_lib_ioctl_channel_info puts it: interleaved, the
     * channel's sample in each frame; non-interleaved, one block of buffer_size samples a channel.
     */
    static void writeChannelInfo(MemorySegment u, int channel, boolean interleaved, int channels, int sampleBits,
            long bufferBytes) {
        u.asSlice(0, ChannelInfo.SIZE).fill((byte) 0);
        u.set(ValueLayout.JAVA_INT, ChannelInfo.CHANNEL, channel);
        if (interleaved) {
            u.set(ValueLayout.JAVA_INT, ChannelInfo.FIRST, channel * sampleBits);
            u.set(ValueLayout.JAVA_INT, ChannelInfo.STEP, channels * sampleBits);
        } else {
            u.set(ValueLayout.JAVA_INT, ChannelInfo.FIRST, (int) (channel * (bufferBytes / channels) * 8));
            u.set(ValueLayout.JAVA_INT, ChannelInfo.STEP, sampleBits);
        }
        u.set(ValueLayout.JAVA_INT, ChannelInfo.TYPE, ChannelInfo.AREA_MMAP);
        u.set(ValueLayout.JAVA_INT, ChannelInfo.MMAP_FD, -1);
        u.set(ValueLayout.JAVA_LONG, ChannelInfo.MMAP_OFFSET, 0);
    }

    private static void timespec(MemorySegment u, long offset, long nanos) {
        u.set(ValueLayout.JAVA_LONG, offset, Math.floorDiv(nanos, NANOS));
        u.set(ValueLayout.JAVA_LONG, offset + 8, Math.floorMod(nanos, NANOS));
    }

    /** A NUL-terminated string in a fixed field, cut to fit as the kernel's strscpy cuts. */
    private static void cString(MemorySegment u, long offset, int len, String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, len - 1);
        MemorySegment.copy(b, 0, u, ValueLayout.JAVA_BYTE, offset, n);
        u.set(ValueLayout.JAVA_BYTE, offset + n, (byte) 0);
    }
}
