package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINTR;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.errno.Errno.ESTRPIPE;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import pcmshare.core.api.clock.Clock;

/**
 * Sleeping and waking on a substream, as pcm_lib.c's wait_for_avail (the
 * transfer's wait on runtime->tsleep) and pcm_native.c's snd_pcm_wait (poll on
 * runtime->sleep): a sleeper drops the stream lock, wakes on the card's clock
 * or on a wake-up, and takes the lock back. Sleeping and waking allocate
 * nothing.
 */
final class Waits {
    /** The transfer wait gives up after this long without progress (pcm_lib.c wait_for_avail: 10 s). */
    private static final long XFER_TIMEOUT_NANOS = 10_000_000_000L;
    /** Tries of a free lock before queueing for it (a few hundred nanoseconds to a few microseconds). */
    private static final int LOCK_SPINS = 100;
    /** Then tries after yielding the core, before queueing (a queue node is an allocation and a park). */
    private static final int LOCK_YIELDS = 8;

    private Waits() {
    }

    /**
     * Takes {@code lock}, spinning briefly first: the critical sections are
     * short, and a contended {@link ReentrantLock#lock()} allocates a queue node
     * and parks where a few spins would have found the lock free.
     */
    static void lockSpinning(ReentrantLock lock) {
        if (lock.tryLock()) {
            return;
        }
        for (int i = 0; i < LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (!lock.isLocked() && lock.tryLock()) {
                return;
            }
        }
        // on a busy machine the holder may have lost its core: give it the chance to finish before queueing
        for (int i = 0; i < LOCK_YIELDS; i++) {
            Thread.yield();
            if (!lock.isLocked() && lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    /**
     * Sleeps until woken or until the card's clock reaches {@code deadline};
     * with the lock held. Returns false when the deadline has passed.
     */
    static boolean awaitUntil(Substream s, long deadline, String op) {
        if (s.clock.nanoTime() >= deadline) {
            return false;
        }
        // a second timed waiter at once is rare: it gets a one-shot timer of its own
        boolean shared = !s.waitTimerArmed;
        Clock.Timer timer;
        if (shared) {
            s.waitTimerArmed = true;
            s.waitTimer.schedule(deadline);
            timer = s.waitTimer;
        } else {
            timer = s.clock.schedule(deadline, () -> wakeFromTimer(s));
        }
        try {
            sleep(s, op);
        } finally {
            timer.cancel();
            if (shared) {
                s.waitTimerArmed = false;
            }
        }
        return s.clock.nanoTime() < deadline;
    }

    /** Waits without a deadline (a paused stream waits for as long as it stays paused). */
    static void awaitForever(Substream s, String op) {
        sleep(s, op);
    }

    /**
     * Releases the stream lock (every hold, and the group lock's when this
     * thread took it first), parks until {@link #wakeAll} runs, takes the locks
     * back. An interrupt before or during the sleep is EINTR with
     * the interrupt status kept, as an interrupted Condition.await was; a wake-up
     * that came first wins, leaving the interrupt for the next wait. Callers
     * re-check their condition: a wake-up is no promise that it holds.
     */
    private static void sleep(Substream s, String op) {
        Thread me = Thread.currentThread();
        if (me.isInterrupted()) {
            throw s.refuse(EINTR, op, null, "interrupted while waiting");
        }
        int slot = enlist(s, me);
        int seen = s.wakeups;
        int holds = s.lock.getHoldCount();
        // an operation that holds the group lock lets it go too: a sleeper must not keep the group's actions out
        int groupHolds = LinkGroups.groupHolds(s);
        boolean interrupted = false;
        s.waiters++;
        LinkGroups.unlockHolds(s, groupHolds, holds);
        try {
            while (s.wakeups == seen) {
                if (me.isInterrupted()) {
                    interrupted = true;
                    break;
                }
                LockSupport.park(s);
            }
        } finally {
            LinkGroups.relockHolds(s, groupHolds, holds);
            s.waiters--;
            s.sleepers[slot] = null;
        }
        if (interrupted) {
            throw s.refuse(EINTR, op, null, "interrupted while waiting");
        }
    }

    /** A free slot for {@code t} in the sleepers; grows (once in a while) only past four sleepers. */
    private static int enlist(Substream s, Thread t) {
        Thread[] ss = s.sleepers;
        for (int i = 0; i < ss.length; i++) {
            if (ss[i] == null) {
                ss[i] = t;
                return i;
            }
        }
        int at = ss.length;
        s.sleepers = ss = Arrays.copyOf(ss, at * 2);
        ss[at] = t;
        return at;
    }

    static void wakeFromTimer(Substream s) {
        s.lockStream();
        try {
            wake(s);
        } finally {
            s.lock.unlock();
        }
    }

    static void wakeAll(Substream s) {
        if (s.waiters > 0) {
            wake(s);
        }
    }

    /** With the lock held: every sleeper now sees the wake-up and is unparked. */
    private static void wake(Substream s) {
        s.wakeups++;
        for (Thread t : s.sleepers) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * pcm_lib.c wait_for_avail: waits until twake frames are available.
     * Returns avail, or 0 for a capture stream that started draining.
     */
    static long waitForAvail(Substream s, String op) {
        long waitTime = Math.max(XFER_TIMEOUT_NANOS, s.hw.framesToNanos(s.bufferSize * 2));
        for (;;) {
            long avail = HwPtr.avail(s);
            if (avail >= s.twake) {
                return avail;
            }
            boolean timedOut;
            if (s.state == PAUSED) {
                awaitForever(s, op);
                timedOut = false;
            } else {
                timedOut = !awaitUntil(s, s.clock.nanoTime() + waitTime, op);
            }
            switch (s.state) {
                case SUSPENDED -> throw s.refuse(ESTRPIPE, op, null, "suspended while waiting");
                case XRUN -> throw s.refuse(EPIPE, op, s.xrunCount, s.playback ? "underrun" : "overrun");
                case DRAINING -> {
                    if (s.playback) {
                        throw s.refuse(EPIPE, op, null, "playback is draining");
                    }
                    return 0;
                }
                case OPEN, SETUP -> throw s.refuse(EBADFD, op, null, "stream stopped while waiting");
                case DISCONNECTED -> throw s.refuse(EBADFD, op, s.card.id(), "card disconnected while waiting");
                case PAUSED -> {
                    continue;
                }
                default -> {
                }
            }
            if (timedOut && HwPtr.avail(s) < s.twake) {
                throw s.refuse(EIO, op, waitTime, (s.playback ? "playback write" : "capture read")
                        + " timeout: the hardware stopped moving");
            }
        }
    }

    /** snd_pcm_wait: until avail_min frames are available, a stop, or the deadline. */
    static boolean waitAvail(Substream s, long timeoutNanos) {
        s.lockStream();
        try {
            s.checkUsable("wait");
            long now = s.clock.nanoTime();
            // a timeout past the end of the clock is no timeout (the kernel's MAX_SCHEDULE_TIMEOUT), not a wrap
            long deadline = timeoutNanos < 0 || timeoutNanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE
                    : now + timeoutNanos;
            for (;;) {
                Transfer.accessibleState(s, "wait");
                if (s.state == RUNNING) {
                    HwPtr.update(s, false);
                    Transfer.accessibleState(s, "wait");
                }
                if (HwPtr.avail(s) >= s.pages.availMin()) {
                    return true;
                }
                if (s.state == DRAINING) {
                    return HwPtr.avail(s) > 0;
                }
                if (deadline == Long.MAX_VALUE) {
                    awaitForever(s, "wait");
                } else if (!awaitUntil(s, deadline, "wait")) {
                    return HwPtr.avail(s) >= s.pages.availMin();
                }
            }
        } finally {
            s.lock.unlock();
        }
    }
}
