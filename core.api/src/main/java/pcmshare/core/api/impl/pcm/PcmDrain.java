package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EAGAIN;
import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EIO;
import static pcmshare.core.api.errno.Errno.ENODEV;
import static pcmshare.core.api.errno.Errno.ESTRPIPE;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.SETUP;
import static pcmshare.core.api.pcm.PcmState.SUSPENDED;

import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmState;

/**
 * Drain, as pcm_native.c's snd_pcm_drain with its action snd_pcm_action_drain_init
 * (snd_pcm_pre/do/post_drain_init): a playback plays out what is queued, a
 * capture stops and keeps what is left to read; the caller waits on each
 * draining playback member of its group in turn.
 */
final class PcmDrain {
    /** Drain gives up after at least this long without a period (pcm_native.c snd_pcm_drain: 100 ms). */
    private static final long DRAIN_MIN_TIMEOUT_NANOS = 100_000_000L;

    private PcmDrain() {
    }

    private static final Action DRAIN_INIT = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case OPEN, DISCONNECTED, SUSPENDED -> throw s.refuse(EBADFD, "drain", null, "nothing to drain");
                default -> {
                }
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            doDrainInit(s);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
        }
    };

    private static void doDrainInit(Substream s) {
        if (s.playback) {
            switch (s.state) {
                case PREPARED -> {
                    if (!HwPtr.playbackEmpty(s)) {
                        PcmActions.trigger(s, Trigger.START);
                        PcmActions.postStart(s, DRAINING, s.clock.nanoTime());
                    } else {
                        s.setState(SETUP);
                    }
                }
                case RUNNING -> s.setState(DRAINING);
                case XRUN -> s.setState(SETUP);
                default -> {
                }
            }
        } else if (s.state == PcmState.RUNNING) {
            PcmState target = HwPtr.captureAvail(s) > 0 ? DRAINING : SETUP;
            PcmActions.doStop(s);
            PcmActions.postStop(s, target, s.clock.nanoTime());
        }
        if (s.state == DRAINING && s.constraints.has(PcmCapability.DRAIN_TRIGGER)) {
            PcmActions.trigger(s, Trigger.DRAIN);
        }
    }

    /** {@code nonBlocking}: the caller's handle's O_NONBLOCK (file->f_flags). */
    static void drain(Substream s, boolean nonBlocking) {
        s.lockWithGroup();
        try {
            s.checkUsable("drain");
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "drain", null, "no hardware parameters");
            }
            if (s.state == PAUSED) {
                PcmActions.releasePauseQuietly(s);
            }
            PcmActions.action(s, DRAIN_INIT, DRAINING);
            if (nonBlocking) {
                throw s.refuse(EAGAIN, "drain", null, "non-blocking: poll until the state leaves DRAINING");
            }
            for (;;) {
                Substream toCheck = null;
                for (Substream m : s.group.members()) {
                    if (m.playback && m.state == DRAINING) {
                        toCheck = m;
                        break;
                    }
                }
                if (toCheck == null) {
                    return;
                }
                long timeout = Math.max(DRAIN_MIN_TIMEOUT_NANOS, toCheck.bufferNanos / 10 * 11);
                boolean timedOut = toCheck == s ? !Waits.awaitUntil(s, s.clock.nanoTime() + timeout, "drain")
                        : !awaitDrainOf(s, toCheck, timeout);
                if (s.state == DISCONNECTED) {
                    throw s.refuse(ENODEV, "drain", s.card.id(), "card disconnected while draining");
                }
                if (timedOut && toCheck.state == DRAINING) {
                    if (s.state == SUSPENDED) {
                        throw s.refuse(ESTRPIPE, "drain", null, "suspended while draining");
                    }
                    PcmActions.action(s, PcmActions.STOP, SETUP);
                    throw s.refuse(EIO, "drain", timeout, "playback drain timeout: the hardware stopped moving");
                }
            }
        } finally {
            s.unlockWithGroup();
        }
    }

    /**
     * Waits, as snd_pcm_drain does, on a linked playback member's wait queue
     * until it leaves DRAINING or {@code timeout} passes on its card's clock.
     * This substream's locks are let go meanwhile (never two stream locks at
     * once outside an action) and taken back after. Returns false on timeout.
     */
    private static boolean awaitDrainOf(Substream s, Substream other, long timeout) {
        int holds = s.lock.getHoldCount();
        int groupHolds = LinkGroups.groupHolds(s);
        LinkGroups.unlockHolds(s, groupHolds, holds);
        try {
            other.lockWithGroup();
            try {
                return other.state != DRAINING || Waits.awaitUntil(other, other.clock.nanoTime() + timeout, "drain");
            } finally {
                other.unlockWithGroup();
            }
        } finally {
            LinkGroups.relockHolds(s, groupHolds, holds);
        }
    }
}
