package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EALREADY;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.pcm.PcmState.OPEN;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * Link groups, as pcm_native.c's snd_pcm_link, snd_pcm_unlink and
 * snd_pcm_stream_group_ref (the group lock taken with a stream lock held), with
 * the link-changed notices the drivers get while the group lock keeps the
 * group's triggers out. The lock order is {@link SubstreamGroup}'s.
 */
final class LinkGroups {
    private LinkGroups() {
    }

    /**
     * snd_pcm_stream_group_ref: takes the group lock of {@code s} with its
     * stream lock held. Operations that may act on the group in their middle
     * took the group lock first ({@link Substream#lockWithGroup()}), and get it
     * again at once. The others (status, hwsync, sw_params, mmap, rewind: each
     * reads everything again after the action) may find it busy (another
     * member's action, or a link transaction telling the drivers): then the
     * stream lock is dropped while waiting, to keep the group-then-stream
     * order, and the group is looked up again in case a link moved {@code s}.
     */
    static SubstreamGroup lockGroup(Substream s) {
        for (;;) {
            SubstreamGroup g = s.group;
            if (g.lock.tryLock()) {
                return g;
            }
            int holds = s.lock.getHoldCount();
            for (int i = 0; i < holds; i++) {
                s.lock.unlock();
            }
            g.lock.lock();
            for (int i = 0; i < holds; i++) {
                s.lockStream();
            }
            if (s.group == g) {
                return g;
            }
            g.lock.unlock();
        }
    }

    /**
     * Takes the group lock of {@code s} {@code groupHolds} times, then its
     * stream lock {@code streamHolds} times, with neither held before. The
     * group is read again once its lock is held: a link may have moved
     * {@code s} meanwhile, and only a holder of its group lock can move it.
     */
    static void lockStreamAndGroup(Substream s, int groupHolds, int streamHolds) {
        for (;;) {
            SubstreamGroup g = s.group;
            Waits.lockSpinning(g.lock);
            if (s.group != g) {
                g.lock.unlock();
                continue;
            }
            for (int i = 1; i < groupHolds; i++) {
                g.lock.lock();
            }
            for (int i = 0; i < streamHolds; i++) {
                s.lockStream();
            }
            return;
        }
    }

    /** How often this thread holds the group lock of {@code s} (0 or more); read under its stream lock. */
    static int groupHolds(Substream s) {
        SubstreamGroup g = s.group;
        return g.lock.isHeldByCurrentThread() ? g.lock.getHoldCount() : 0;
    }

    /** Lets go of {@code holds} stream-lock and {@code groupHolds} group-lock holds of {@code s}: stream first. */
    static void unlockHolds(Substream s, int groupHolds, int holds) {
        SubstreamGroup g = s.group;
        for (int i = 0; i < holds; i++) {
            s.lock.unlock();
        }
        for (int i = 0; i < groupHolds; i++) {
            g.lock.unlock();
        }
    }

    /** Takes back what {@link #unlockHolds} let go, group first; {@code s} may be in another group by now. */
    static void relockHolds(Substream s, int groupHolds, int holds) {
        if (groupHolds > 0) {
            lockStreamAndGroup(s, groupHolds, holds);
        } else {
            for (int i = 0; i < holds; i++) {
                s.lockStream();
            }
        }
    }

    /** snd_pcm_link: {@code other} joins the group of {@code s}. */
    static void link(Substream s, PcmSubstream other) {
        Substream b = SubstreamHandle.substreamOf(other);
        if (b == s) {
            throw s.refuse(EINVAL, "link", s.name(), "cannot link a substream to itself");
        }
        if (other == null) {
            throw s.refuse(EBADFD, "link", null, "no handle to link with");
        }
        if (b == null) {
            // snd_pcm_link takes an fd of the PCM device itself; a handle that filters the calls (an anondup dup)
            // is not one. The value names the type only: a foreign object's toString is not ours to call.
            throw s.refuse(EBADFD, "link", other.getClass().getName(), "a restricted handle (such as an anondup"
                    + " dup) or one this core did not open cannot be linked: link the handle PcmCore.open gave"
                    + " or its dup()");
        }
        if (other instanceof SubstreamHandle h && h.isClosed()) {
            // snd_pcm_link: "if (fd_empty(f)) return -EBADFD", whatever other files are open on the substream
            throw s.refuse(EBADFD, "link", b.name(), "the other handle is closed");
        }
        SubstreamGroup.LINKS.lock();
        try {
            // memberships only change under LINKS, so both groups are stable from here
            SubstreamGroup ga = s.group;
            SubstreamGroup gb = b.group;
            SubstreamGroup first = ga.serial <= gb.serial ? ga : gb;
            SubstreamGroup second = first == ga ? gb : ga;
            first.lock.lock();
            try {
                second.lock.lock();
                try {
                    Substream[] joined = with(ga.members(), b);
                    List<Notice> notices;
                    Substream[] locked = union(joined, gb.members());
                    lockAll(locked);
                    try {
                        s.checkUsable("link");
                        if (b.closed || b.closing) {
                            throw s.refuse(EBADFD, "link", b.name(), "the other substream is closed");
                        }
                        if (s.state == OPEN) {
                            throw s.refuse(EBADFD, "link", b.name(), "no hardware parameters yet");
                        }
                        if (s.state != b.state) {
                            throw s.refuse(EBADFD, "link", b.state, "states differ: " + b.name() + " is " + b.state);
                        }
                        if (gb.size() > 1) {
                            throw s.refuse(EALREADY, "link", b.name(), b.name() + " is already linked");
                        }
                        ga.members(joined);
                        b.group = ga;
                        notices = notices(joined, joined);
                    } finally {
                        unlockAll(locked);
                    }
                    // still holding the group lock: no trigger of the group runs until every driver is told
                    deliver(notices);
                } finally {
                    second.lock.unlock();
                }
            } finally {
                first.lock.unlock();
            }
        } finally {
            SubstreamGroup.LINKS.unlock();
        }
    }

    /**
     * snd_pcm_unlink: {@code s} leaves its group; a group left with one
     * member is dissolved. {@code quietly} (close): no checks, nothing when not linked.
     */
    static void unlink(Substream s, String op, boolean quietly) {
        SubstreamGroup.LINKS.lock();
        try {
            SubstreamGroup g = s.group;
            List<SubstreamGroup> fresh = new ArrayList<>(2);
            g.lock.lock();
            try {
                Substream[] members = g.members();
                List<Notice> notices;
                lockAll(members);
                try {
                    if (!quietly) {
                        s.checkUsable(op);
                    }
                    if (members.length == 1) {
                        if (quietly) {
                            return;
                        }
                        throw s.refuse(EALREADY, op, null, "not linked");
                    }
                    Substream[] rest = without(members, s);
                    // the new groups are locked before anyone can see them: their triggers wait for the notices too
                    s.group = soloGroup(s, fresh);
                    if (rest.length == 1) {
                        rest[0].group = soloGroup(rest[0], fresh);
                    }
                    g.members(rest);
                    notices = notices(members, rest);
                } finally {
                    unlockAll(members);
                }
                deliver(notices);
            } finally {
                for (SubstreamGroup n : fresh) {
                    n.lock.unlock();
                }
                g.lock.unlock();
            }
        } finally {
            SubstreamGroup.LINKS.unlock();
        }
    }

    private static SubstreamGroup soloGroup(Substream s, List<SubstreamGroup> fresh) {
        SubstreamGroup g = new SubstreamGroup(s);
        g.lock.lock();
        fresh.add(g);
        return g;
    }

    static Set<SubstreamView> linkedWith(Substream s) {
        s.lockStream();
        try {
            // the membership cannot change while this stream lock is held
            Substream[] members = s.group.members();
            if (members.length == 1) {
                return Set.of();
            }
            // views, never the substreams: a partner must not gain rights through its group
            Set<SubstreamView> others = new LinkedHashSet<>();
            for (Substream m : members) {
                if (m != s) {
                    others.add(m.linkView);
                }
            }
            return Collections.unmodifiableSet(others);
        } finally {
            s.lock.unlock();
        }
    }

    /** A driver to tell and what to tell it. */
    private record Notice(Substream to, PcmOps ops, Set<SubstreamView> linkedWith) {
    }

    /**
     * The notices for every substream in {@code affected} whose driver is still
     * there: the other members of {@code group} when it is one of them and the
     * group has several, else the empty set. Under the stream locks of all of them.
     */
    private static List<Notice> notices(Substream[] affected, Substream[] group) {
        List<Notice> out = new ArrayList<>(affected.length);
        for (Substream s : affected) {
            if (s.driverReleased || s.ops == null) {
                continue;
            }
            Set<SubstreamView> with = new LinkedHashSet<>();
            if (group.length > 1 && Arrays.asList(group).contains(s)) {
                for (Substream m : group) {
                    if (m != s) {
                        with.add(m.linkView);
                    }
                }
            }
            out.add(new Notice(s, s.ops, with.isEmpty() ? Set.of() : Collections.unmodifiableSet(with)));
        }
        return out;
    }

    /** Tells the drivers, with no stream lock held; a driver's failure changes nothing. */
    private static void deliver(List<Notice> notices) {
        for (Notice n : notices) {
            try {
                n.ops().linkChanged(n.linkedWith());
            } catch (RuntimeException ignored) {
                // the link has changed already; the driver keeps its previous idea of it
            }
        }
    }

    private static Substream[] with(Substream[] members, Substream added) {
        Substream[] out = Arrays.copyOf(members, members.length + 1);
        out[members.length] = added;
        Arrays.sort(out, (x, y) -> Long.compare(x.serial, y.serial));
        return out;
    }

    private static Substream[] without(Substream[] members, Substream removed) {
        Substream[] out = new Substream[members.length - 1];
        int i = 0;
        for (Substream m : members) {
            if (m != removed) {
                out[i++] = m;
            }
        }
        return out;
    }

    private static Substream[] union(Substream[] a, Substream[] b) {
        LinkedHashSet<Substream> all = new LinkedHashSet<>(Arrays.asList(a));
        all.addAll(Arrays.asList(b));
        Substream[] out = all.toArray(new Substream[0]);
        Arrays.sort(out, (x, y) -> Long.compare(x.serial, y.serial));
        return out;
    }

    /** Stream locks by serial: the fixed order every multi-lock taker outside one group lock keeps. */
    private static void lockAll(Substream[] bySerial) {
        int locked = 0;
        try {
            for (Substream s : bySerial) {
                s.lockStream();
                locked++;
            }
        } catch (RuntimeException | Error e) {
            for (int i = locked - 1; i >= 0; i--) {
                bySerial[i].lock.unlock();
            }
            throw e;
        }
    }

    private static void unlockAll(Substream[] bySerial) {
        for (int i = bySerial.length - 1; i >= 0; i--) {
            bySerial[i].lock.unlock();
        }
    }
}
