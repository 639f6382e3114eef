package pcmshare.sharing.anondup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import pcmshare.core.api.errno.Errno;

/**
 * What lets a dup end atomically with the calls it has in flight: the granted
 * permission bits, the count of calls between {@link #begin} and {@link #done}, the
 * count of transfers that cannot block ({@link #beginTransfer}), and the threads
 * blocked in a call, which the end interrupts as a signal ends a blocked system call.
 *
 * <p>A call counts itself in flight (a call that may block, by registering its thread
 * in a slot), then reads the bits; {@link #end} writes the bits, then waits until no
 * call is counted or registered. Both sides write, then read (volatile,
 * sequentially consistent), so either the call sees the end and is refused, or the end
 * sees the call and waits for it: when {@link #end} returns, no call is running or will
 * run. The check costs one atomic add, one volatile read and an AND. Registering
 * costs more (a compare-and-set of the thread into a slot, and another to leave it:
 * pcmshare's AnonDupWriteBenchmark measured a registered write well above a counted
 * one), so only a call that may actually block registers.
 */
final class CallGate {
    static final int LIVE = 1 << 31;
    /** What {@link #enter} returns when the permission is not granted or the gate ended. */
    static final int REFUSED = -2;
    private static final int SLOTS = 4;
    /** Put in a slot by the end: the thread that was there has been (or is being) interrupted. */
    private static final Thread CLAIMED = new Thread(() -> { }, "anondup-claimed");
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle TRANSFERS;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(CallGate.class, "inFlight", int.class);
            TRANSFERS = MethodHandles.lookup().findVarHandle(CallGate.class, "transfers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReferenceArray<Thread> blocked = new AtomicReferenceArray<>(SLOTS);
    /** Threads blocked beyond the slots, and those the end interrupted there; guarded by this. */
    private final List<Thread> overflow = new ArrayList<>();
    private final List<Thread> overflowInterrupted = new ArrayList<>();
    private volatile int allowed;
    private volatile int inFlight;
    /** Transfers between {@link #beginTransfer} and {@link #doneTransfer}, apart for {@link #awaitTransfers}. */
    private volatile int transfers;
    /** Why {@link #allowed} dropped to zero; guarded by this. */
    private Errno endedWith;
    private String endedWhy;

    CallGate(int permissionBits) {
        this.allowed = permissionBits | LIVE;
    }

    boolean isLive() {
        return (allowed & LIVE) != 0;
    }

    /** Counts a call in flight when {@code bit} is granted and returns true; else counts nothing. */
    boolean begin(int bit) {
        IN_FLIGHT.getAndAdd(this, 1);
        if ((allowed & bit) == 0) {
            done();
            return false;
        }
        return true;
    }

    /** Every call that began ends here, also when it failed; the last one out wakes an end that waits. */
    void done() {
        if ((int) IN_FLIGHT.getAndAdd(this, -1) == 1 && (allowed & LIVE) == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * A transfer that cannot block (its handle is non-blocking) counts itself in flight
     * as {@link #begin} does, instead of registering its thread: the end never has to
     * wake it. False, counting nothing, when {@code bit} is not granted or the gate ended.
     */
    boolean beginTransfer(int bit) {
        TRANSFERS.getAndAdd(this, 1);
        if ((allowed & bit) == 0) {
            doneTransfer();
            return false;
        }
        return true;
    }

    /** Every transfer that began ends here; the last one out wakes an end that waits. */
    void doneTransfer() {
        if ((int) TRANSFERS.getAndAdd(this, -1) == 1 && (allowed & LIVE) == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Returns once no transfer counted by {@link #beginTransfer} runs. They cannot block,
     * so it spins, then yields; one that begins meanwhile is waited for too, so the caller
     * first makes sure that none begins any more.
     */
    void awaitTransfers() {
        for (int spins = 0; transfers != 0; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    synchronized Errno endedWith() {
        return endedWith;
    }

    synchronized String endedWhy() {
        return endedWhy;
    }

    /**
     * A call that may block registers its thread, which also counts it in flight, when
     * {@code bit} is granted; {@link #REFUSED} otherwise, registering nothing.
     */
    int enter(int bit) {
        Thread me = Thread.currentThread();
        int slot = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (blocked.get(i) == null && blocked.compareAndSet(i, null, me)) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            synchronized (this) {
                overflow.add(me);
            }
        }
        // the end writes allowed, then reads the slots; this wrote a slot, now reads allowed
        if ((allowed & bit) == 0) {
            exit(slot);
            return REFUSED;
        }
        return slot;
    }

    /** Unregisters the thread, clearing an interrupt the end sent it. */
    void exit(int slot) {
        Thread me = Thread.currentThread();
        if (slot < 0) {
            synchronized (this) {
                overflow.remove(me);
                if (overflowInterrupted.remove(me)) {
                    Thread.interrupted();
                }
                notifyAll();
            }
            return;
        }
        if (blocked.compareAndSet(slot, me, null)) {
            if ((allowed & LIVE) == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
            return;
        }
        // the end claimed the slot: wait until its interrupt has landed, then take it back
        synchronized (this) {
            Thread.interrupted();
            blocked.set(slot, null);
            notifyAll();
        }
    }

    /**
     * Ends the gate: every later call is refused, blocked callers are interrupted, and it
     * returns once no call is in flight any more, whoever ended it first.
     *
     * @return whether this call ended it (the caller then lets go of what the calls used)
     */
    boolean end(Errno errno, String why) {
        boolean first = false;
        synchronized (this) {
            if ((allowed & LIVE) != 0) {
                first = true;
                endedWith = errno;
                endedWhy = why;
                allowed = 0;
                for (int i = 0; i < SLOTS; i++) {
                    Thread t = blocked.get(i);
                    if (t != null && t != CLAIMED && blocked.compareAndSet(i, t, CLAIMED)) {
                        t.interrupt();
                    }
                }
                for (Thread t : overflow) {
                    overflowInterrupted.add(t);
                    t.interrupt();
                }
            }
        }
        awaitCallsInFlight();
        return first;
    }

    /** Whether a thread is still registered by {@link #enter}; under this object's monitor. */
    private boolean registered() {
        if (!overflow.isEmpty()) {
            return true;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (blocked.get(i) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Blocked calls were interrupted; the others are short, as the substream's own calls
     * are. Uninterruptible, since what it guarantees is the point: an interrupt is kept
     * for the caller.
     */
    private void awaitCallsInFlight() {
        boolean interrupted = false;
        synchronized (this) {
            while (inFlight != 0 || transfers != 0 || registered()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
