package pcmshare.core.api.impl.pcm;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The substreams that take trigger actions together (the kernel's struct
 * snd_pcm_group). An unlinked substream is its own group of one; linking puts
 * several in one group.
 *
 * <p><b>Lock order of the PCM core</b>, every lock it has, first to last; a
 * thread holding one never waits for one listed before it:
 * <ol>
 * <li>{@code PcmEngine.cards} (the card registry), which may take 2 for a listing;
 * <li>a {@link Card}'s monitor (open and release of its substreams; the driver's
 *     open runs under it), never held with 3 to 6;
 * <li>a {@link ListenerDispatch}'s monitor (the listeners of one handle), which
 *     takes 6 alone to add or remove a listener's slot;
 * <li>{@link #LINKS}, as snd_pcm_link_rwsem;
 * <li>group locks ({@link #lock}) by {@link #serial};
 * <li>stream locks ({@link Substream#lock}) by {@link Substream#serial}; the
 *     driver's trigger and pointer run under them, as under the kernel's stream
 *     spinlock;
 * <li>leaves, taken under 6 and holding nothing while held: a {@link ListenerSlot}'s
 *     monitor (the period path marks an event), the clock's timer lock (arming a
 *     wake-up), the memory allocator's (hw_params allocates the ring).
 * </ol>
 * Client code (period listeners, and the fence callbacks they signal) runs with none of these held,
 * on its handle's listener thread ({@link ListenerDispatch}), so it may call
 * anything, link and unlink included: LINKS is then the first lock it takes.
 *
 * <p>An action holds its group's lock
 * and then every member's stream lock. Operations that may run an action in
 * their middle (transfers, period updates, xrun reports, the state-changing
 * ioctls) take the group lock before the stream lock
 * ({@link Substream#lockWithGroup()}); the others, which read everything again
 * afterwards, may hold a stream lock and not get the group lock at once: they
 * drop the stream lock and wait for the group lock first, as
 * snd_pcm_stream_group_ref does. A sleeper lets go of both. Only link and
 * unlink (under {@link #LINKS}) change a membership, holding the group lock
 * and every affected member's stream lock; they keep the group lock while the
 * drivers are told, so no action of the group runs meanwhile.
 */
final class SubstreamGroup {
    private static final AtomicLong SERIALS = new AtomicLong();

    /** Serialises link and unlink, as the kernel's snd_pcm_link_rwsem. Taken before any group or stream lock. */
    static final ReentrantLock LINKS = new ReentrantLock();

    final long serial = SERIALS.incrementAndGet();
    /** Held by every action on the group and by a link transaction until its notifications are done. */
    final ReentrantLock lock = new ReentrantLock();
    private volatile Substream[] members;

    SubstreamGroup(Substream only) {
        this.members = new Substream[] {only};
    }

    /** The members by serial; the array is never modified, so callers may iterate it without copying. */
    Substream[] members() {
        return members;
    }

    /** Replaces the members; under {@link #LINKS}, this lock and the stream locks of old and new members. */
    void members(Substream[] bySerial) {
        this.members = bySerial;
    }

    int size() {
        return members.length;
    }

    /** Threads waiting to act on the group (tests use it to see a trigger wait for a link transaction). */
    int waiting() {
        return lock.getQueueLength();
    }

    @Override
    public String toString() {
        return "group#" + serial + java.util.Arrays.toString(members);
    }
}
