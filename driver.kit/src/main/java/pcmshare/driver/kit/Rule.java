package pcmshare.driver.kit;

/**
 * The rules a card is checked against, in the order the kit runs them. A
 * failure's message starts with {@link #id()} and a colon.
 */
public enum Rule {
    /** The core lists the card, a driver service with its id is registered, and its devices and constraints make sense. */
    CARD_LISTED("card-listed"),
    /** Every substream of every device opens by number, a second open of one is EBUSY, and all of them run at once. */
    OPEN_EVERY_SUBSTREAM("open-every-substream"),
    /** A value just outside each declared range, and an undeclared format or access, is EINVAL and leaves the substream in OPEN. */
    CONSTRAINTS_ENFORCED("constraints-enforced"),
    /** The edges of each declared range, each declared format, access and rate are accepted by hw_params and prepare. */
    CONSTRAINTS_HONOURED("constraints-honoured"),
    /** OPEN, SETUP, PREPARED, RUNNING, PAUSED (when capable), SUSPENDED and back, with the refusals of each state. */
    STATE_TRANSITIONS("state-transitions"),
    /** A paused stream's position stands still and moves on after release (ENOSYS without the PAUSE capability). */
    PAUSE_HOLDS_POSITION("pause-holds-position"),
    /** Playback and capture through the ring buffer across several wraps, read/write and mmap, pointers consistent throughout. */
    RING_BUFFER_WRAPAROUND("ring-buffer-wraparound"),
    /** hw_ptr never goes back, and never moves on faster than the clock allows. */
    POINTER_MONOTONIC("pointer-monotonic"),
    /** Over a measured interval hw_ptr advances rate x elapsed time, within a period, 0.5 % and 5 ms. */
    POINTER_FOLLOWS_CLOCK("pointer-follows-clock"),
    /** Playback drain plays out what is queued, in about that long, and ends in SETUP; capture drain leaves the rest readable. */
    DRAIN("drain"),
    /** A starved playback or an unread capture stops with XRUN, transfers say EPIPE, prepare recovers. */
    XRUN("xrun"),
    /** When the card goes away open handles are DISCONNECTED and refused (EBADFD/ENODEV), opens are ENODEV; it comes back usable. */
    DISCONNECT("disconnect");

    private final String id;

    Rule(String id) {
        this.id = id;
    }

    /** The rule's name, as in test names and failure messages, e.g. {@code pointer-monotonic}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
