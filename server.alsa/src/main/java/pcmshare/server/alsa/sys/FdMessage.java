package pcmshare.server.alsa.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A preallocated {@code struct msghdr} for sendmsg(2)/recvmsg(2) of one data byte with
 * room for one SCM_RIGHTS descriptor, in x86_64 layouts: msghdr (56 bytes: msg_iov at
 * 16, msg_iovlen 24, msg_control 32, msg_controllen 40, msg_flags 48), one iovec (16
 * bytes: base, len) and one cmsghdr (cmsg_len as size_t at 0, level at 8, type at 12,
 * the int at 16; CMSG_LEN(4) = 20, CMSG_SPACE(4) = 24).
 */
final class FdMessage {
    private static final long MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40,
            MSG_FLAGS = 48, CMSG_SPACE = 24, CMSG_LEN = 20, CMSG_DATA = 16;

    private final MemorySegment msg;
    private final MemorySegment cmsg;

    /** A message whose single iovec is {@code oneByte}. */
    FdMessage(Arena arena, MemorySegment oneByte) {
        msg = arena.allocate(56, 8);
        MemorySegment iov = arena.allocate(16, 8);
        cmsg = arena.allocate(CMSG_SPACE, 8);
        iov.set(ADDRESS, 0, oneByte);
        iov.set(JAVA_LONG, 8, 1);
        msg.set(ADDRESS, MSG_IOV, iov);
        msg.set(JAVA_LONG, MSG_IOVLEN, 1);
        msg.set(ADDRESS, MSG_CONTROL, cmsg);
    }

    /** The msghdr, ready for sendmsg with {@code fd} as its one SCM_RIGHTS descriptor. */
    MemorySegment forSend(int fd) {
        cmsg.set(JAVA_LONG, 0, CMSG_LEN);
        cmsg.set(JAVA_INT, 8, Libc.SOL_SOCKET);
        cmsg.set(JAVA_INT, 12, Libc.SCM_RIGHTS);
        cmsg.set(JAVA_INT, CMSG_DATA, fd);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE);
        msg.set(JAVA_INT, MSG_FLAGS, 0);
        return msg;
    }

    /** The msghdr, reset for recvmsg (the kernel rewrites msg_controllen and msg_flags). */
    MemorySegment forReceive() {
        cmsg.fill((byte) 0);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE);
        msg.set(JAVA_INT, MSG_FLAGS, 0);
        return msg;
    }

    /** After recvmsg: the descriptor received, or -1. */
    int receivedFd() {
        if (msg.get(JAVA_LONG, MSG_CONTROLLEN) >= CMSG_LEN && cmsg.get(JAVA_LONG, 0) >= CMSG_LEN
                && cmsg.get(JAVA_INT, 8) == Libc.SOL_SOCKET && cmsg.get(JAVA_INT, 12) == Libc.SCM_RIGHTS) {
            return cmsg.get(JAVA_INT, CMSG_DATA);
        }
        return -1;
    }

    /** After recvmsg: whether control data did not fit (MSG_CTRUNC; the kernel dropped the rest). */
    boolean truncated() {
        return (msg.get(JAVA_INT, MSG_FLAGS) & Libc.MSG_CTRUNC) != 0;
    }
}
