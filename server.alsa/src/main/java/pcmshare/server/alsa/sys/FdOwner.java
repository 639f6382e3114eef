package pcmshare.server.alsa.sys;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A descriptor that other threads may close while a call is using it. Each call
 * {@link #enter()}s and {@link #exit()}s; {@link #close()} marks the object closed,
 * {@link #wake() wakes} blocked calls and the descriptor is closed by whichever thread
 * leaves last. So a descriptor number is never closed under a running poll/recv/accept,
 * where it could be reused by another open and the call would act on the wrong file.
 */
public abstract sealed class FdOwner implements AutoCloseable permits UnixConnection, UnixServerSocket {
    final int fd;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    FdOwner(int fd) {
        this.fd = fd;
    }

    /** The descriptor, owned by this object: do not close it yourself. */
    public final int fd() {
        return fd;
    }

    /** Whether {@link #close()} was called (the descriptor may still be in use by a leaving call). */
    public final boolean isClosed() {
        return closing.get();
    }

    /** Whether the descriptor itself has been closed. */
    public final boolean isReleased() {
        return released.get();
    }

    /** Starts a call on the descriptor; false (and nothing to exit) when closed. */
    final boolean enter() {
        users.incrementAndGet();
        if (closing.get()) {
            exit();
            return false;
        }
        return true;
    }

    final void enterOrThrow(String operation) {
        if (!enter()) {
            throw new SyscallException(Libc.EBADF, operation, fd, this + " is closed");
        }
    }

    /** Ends a call; the last one out after a close closes the descriptor. */
    final void exit() {
        if (users.decrementAndGet() == 0 && closing.get() && released.compareAndSet(false, true)) {
            Fds.closeQuietly(fd);
            released();
        }
    }

    /** Called once on close, while the descriptor is still open: wake blocked calls. */
    abstract void wake();

    /** Called once after the descriptor was closed. */
    void released() {
    }

    /**
     * Closes: idempotent, from any thread. Blocked calls wake up; the descriptor is
     * closed now or when the last of them returns.
     */
    @Override
    public final void close() {
        users.incrementAndGet();
        try {
            if (closing.compareAndSet(false, true)) {
                wake();
            }
        } finally {
            exit();
        }
    }
}
