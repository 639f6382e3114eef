package pcmshare.core.api.impl.fence;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fence;
import pcmshare.core.api.fence.FenceCallback;
import pcmshare.core.api.fence.FenceInfo;
import pcmshare.core.api.fence.FenceStatus;

/**
 * The one fence implementation every pcmshare fence extends.
 *
 * <p>Waiters and callbacks share one ordered registration list, as in the kernel
 * where a waiter is a callback that wakes its task. A waiter registers its
 * {@link Thread} itself, so waiting allocates nothing and a signal unparks the
 * thread directly. The first two registrations live in fields; only a third
 * allocates.
 *
 * <p>Signalling has two phases: the state changes under {@link #lock} (shared
 * with the timeline for timeline fences, so a timeline signals its fences in
 * order atomically), then waiters are woken and callbacks run without any lock
 * held, so a callback may call back into fences and timelines.
 */
class CoreFence implements Fence {
    private static final int PENDING = 0;
    private static final int SIGNALLED = 1;

    /** Guards registrations, the pending error and the move to signalled. */
    final Object lock;
    private final long context;
    private final long seqno;
    private final String timelineName;
    private final String driverName;

    private volatile int state;
    // set under lock while pending; published to readers by the volatile write of state
    private Errno pendingError;
    private Errno error;
    private long timestampNanos;

    private Object slot0;
    private Object slot1;
    private Object[] more;
    private int registered;

    CoreFence(Object lock, long context, long seqno, String timelineName, String driverName) {
        this.lock = lock;
        this.context = context;
        this.seqno = seqno;
        this.timelineName = timelineName;
        this.driverName = driverName;
    }

    @Override
    public final long context() {
        return context;
    }

    @Override
    public final long seqno() {
        return seqno;
    }

    @Override
    public final String timelineName() {
        return timelineName;
    }

    @Override
    public final String driverName() {
        return driverName;
    }

    @Override
    public final boolean isSignalled() {
        return state != PENDING;
    }

    @Override
    public final FenceStatus status() {
        if (state == PENDING) {
            return FenceStatus.PENDING;
        }
        return error == null ? FenceStatus.SIGNALLED : FenceStatus.ERROR;
    }

    @Override
    public final Errno error() {
        return state == PENDING ? null : error;
    }

    @Override
    public final long timestampNanos() {
        return state == PENDING ? 0 : timestampNanos;
    }

    @Override
    public final FenceInfo info() {
        FenceStatus status = status();
        return new FenceInfo(timelineName, driverName, context, seqno, status,
                status.isSignalled() ? error : null, status.isSignalled() ? timestampNanos : 0);
    }

    /** The fences this one stands for: itself, or the parts of a combined fence. */
    List<CoreFence> parts() {
        return List.of(this);
    }

    /** True when this fence is later than {@code other} on the same context, or is it. */
    final boolean isLaterOrSame(CoreFence other) {
        return seqno >= other.seqno;
    }

    // ---- callbacks and waiting

    @Override
    public final boolean addCallback(FenceCallback callback) {
        if (callback == null) {
            throw new ErrnoException(Errno.EINVAL, "add_callback", status(), null, "callback is null");
        }
        synchronized (lock) {
            if (state != PENDING) {
                return false;
            }
            registerLocked(callback);
            return true;
        }
    }

    @Override
    public final boolean removeCallback(FenceCallback callback) {
        if (callback == null) {
            return false;
        }
        synchronized (lock) {
            if (state != PENDING) {
                return false;
            }
            return unregisterLocked(callback);
        }
    }

    @Override
    public final boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        if (state != PENDING) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        if (nanos <= 0) {
            return false;
        }
        return block(true, nanos);
    }

    @Override
    public final void await() throws InterruptedException {
        if (state != PENDING) {
            return;
        }
        block(false, 0);
    }

    private boolean block(boolean timed, long nanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        synchronized (lock) {
            if (state != PENDING) {
                return true;
            }
            registerLocked(me);
        }
        long start = timed ? System.nanoTime() : 0;
        boolean interrupted = false;
        try {
            while (state == PENDING) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
                if (timed) {
                    long remaining = nanos - (System.nanoTime() - start);
                    if (remaining <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            if (state == PENDING) {
                synchronized (lock) {
                    if (state == PENDING) {
                        unregisterLocked(me);
                    }
                }
            }
        }
        if (state != PENDING) {
            if (interrupted) {
                me.interrupt();
            }
            return true;
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        return false;
    }

    private void registerLocked(Object o) {
        switch (registered) {
            case 0 -> slot0 = o;
            case 1 -> slot1 = o;
            default -> {
                int i = registered - 2;
                if (more == null) {
                    more = new Object[4];
                } else if (i == more.length) {
                    more = Arrays.copyOf(more, i * 2);
                }
                more[i] = o;
            }
        }
        registered++;
    }

    private Object registeredAt(int i) {
        return switch (i) {
            case 0 -> slot0;
            case 1 -> slot1;
            default -> more[i - 2];
        };
    }

    private void setRegisteredAt(int i, Object o) {
        switch (i) {
            case 0 -> slot0 = o;
            case 1 -> slot1 = o;
            default -> more[i - 2] = o;
        }
    }

    private boolean unregisterLocked(Object o) {
        for (int i = 0; i < registered; i++) {
            if (registeredAt(i) == o) {
                // shift to keep the order of registration, which is the order of calls
                for (int j = i + 1; j < registered; j++) {
                    setRegisteredAt(j - 1, registeredAt(j));
                }
                registered--;
                setRegisteredAt(registered, null);
                return true;
            }
        }
        return false;
    }

    // ---- signalling

    /** dma_fence_set_error: only while pending; seen by others only after signalling. */
    final void setError(Errno e) {
        if (e == null) {
            throw new ErrnoException(Errno.EINVAL, "set_error", status(), null, "error is null");
        }
        synchronized (lock) {
            if (state != PENDING) {
                throw new ErrnoException(Errno.EINVAL, "set_error", status(), e,
                        "an error can only be set before the fence signals");
            }
            pendingError = e;
        }
    }

    /**
     * First phase of signalling, with {@link #lock} held. {@code forcedError},
     * when not null, replaces any error set before (a closing timeline's ENOENT).
     *
     * @return false when the fence had signalled already
     */
    final boolean markSignalledLocked(Errno forcedError) {
        if (state != PENDING) {
            return false;
        }
        error = forcedError != null ? forcedError : pendingError;
        timestampNanos = System.nanoTime();
        state = SIGNALLED;
        return true;
    }

    /**
     * Second phase, without locks: wakes waiters and runs callbacks in the order
     * they registered. A failing callback, whatever it throws (an Error
     * included), does not stop the others nor a waiter's wake-up; the failure
     * is chained onto {@code failure} and returned for the caller to throw
     * ({@link #rethrow}) once everything it signals has been signalled.
     */
    final Throwable runSignalled(Throwable failure) {
        // registrations are frozen once state is SIGNALLED, so no lock is needed
        int n = registered;
        for (int i = 0; i < n; i++) {
            Object o = registeredAt(i);
            setRegisteredAt(i, null);
            if (o instanceof Thread t) {
                LockSupport.unpark(t);
            } else {
                try {
                    ((FenceCallback) o).signalled(this);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        registered = 0;
        more = null;
        return failure;
    }

    /** Both phases, for fences that are signalled one at a time. */
    final boolean signalNow() {
        synchronized (lock) {
            if (!markSignalledLocked(null)) {
                return false;
            }
        }
        rethrow(runSignalled(null));
        return true;
    }

    /** Throws what a callback threw, once the core's own work is done: as it was, or wrapped if checked. */
    static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a fence callback failed: " + failure, failure);
        }
    }

    @Override
    public String toString() {
        return driverName + ":" + timelineName + "@" + context + ":" + seqno + "[" + status() + "]";
    }
}
