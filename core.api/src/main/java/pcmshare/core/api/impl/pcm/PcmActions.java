package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EBADFD;
import static pcmshare.core.api.errno.Errno.EBUSY;
import static pcmshare.core.api.errno.Errno.ENOSYS;
import static pcmshare.core.api.errno.Errno.EPIPE;
import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.DRAINING;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.PREPARED;
import static pcmshare.core.api.pcm.PcmState.RUNNING;
import static pcmshare.core.api.pcm.PcmState.SETUP;
import static pcmshare.core.api.pcm.PcmState.SUSPENDED;
import static pcmshare.core.api.pcm.PcmState.XRUN;

import pcmshare.core.api.driver.Trigger;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmState;

/**
 * State changes, as pcm_native.c's snd_pcm_action (snd_pcm_action_single and
 * snd_pcm_action_group) with one {@link Action} per ioctl, each the kernel's
 * action_ops of that name: snd_pcm_action_start, _stop, _pause, _suspend,
 * _resume, _reset, _prepare and _drain_init; and the ioctls that run them
 * (snd_pcm_prepare, snd_pcm_start, snd_pcm_drop, snd_pcm_pause, ...).
 */
final class PcmActions {
    private PcmActions() {
    }

    /**
     * snd_pcm_action: pre on every member, run on every member (undoing those
     * done if one fails), post on every member with one timestamp.
     */
    static void action(Substream s, Action a, PcmState arg) {
        SubstreamGroup g = LinkGroups.lockGroup(s);
        try {
            Substream[] members = g.members();
            if (members.length == 1) {
                runAction(s, a, arg, members);
                return;
            }
            // the group lock keeps every other multi-lock taker out, so the order only matters to link
            int locked = 0;
            try {
                for (Substream m : members) {
                    m.lockStream();
                    locked++;
                }
                runAction(s, a, arg, members);
            } finally {
                for (int i = locked - 1; i >= 0; i--) {
                    members[i].lock.unlock();
                }
            }
        } finally {
            g.lock.unlock();
        }
    }

    private static void runAction(Substream s, Action a, PcmState arg, Substream[] members) {
        for (Substream m : members) {
            a.pre(m, arg);
        }
        int done = 0;
        try {
            for (Substream m : members) {
                a.run(m, arg);
                done++;
            }
        } catch (RuntimeException e) {
            // snd_pcm_action_single undoes the failed substream too; a group undoes those before it
            int undo = members.length == 1 ? 1 : done;
            for (int i = 0; i < undo; i++) {
                try {
                    a.undo(members[i], arg);
                } catch (RuntimeException ignored) {
                    // the original failure is what matters
                }
            }
            throw s.driverFailure("trigger", e);
        }
        long ts = s.clock.nanoTime();
        for (Substream m : members) {
            a.post(m, arg, ts);
        }
    }

    static void trigger(Substream s, Trigger t) {
        s.ops.trigger(t);
    }

    static final Action START = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state != PREPARED) {
                throw s.refuse(EBADFD, "start", null, "only from PREPARED");
            }
            if (s.playback && !HwPtr.playbackData(s)) {
                throw s.refuse(EPIPE, "start", HwPtr.playbackAvail(s), "playback buffer is empty");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            trigger(s, Trigger.START);
        }

        @Override
        public void undo(Substream s, PcmState arg) {
            trigger(s, Trigger.STOP);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            postStart(s, arg, ts);
        }
    };

    static void postStart(Substream s, PcmState target, long ts) {
        s.triggerTimestamp = ts;
        s.ptrs.hwPtrTime = s.clock.nanoTime();
        s.setState(target);
        if (s.playback && s.silenceSize > 0) {
            PlaybackSilence.fill(s, -1);
        }
    }

    static final Action STOP = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "stop", null, "no hardware parameters");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            doStop(s);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            postStop(s, arg, ts);
        }
    };

    static void doStop(Substream s) {
        if (s.running()) {
            try {
                trigger(s, Trigger.STOP);
            } catch (RuntimeException ignored) {
                // snd_pcm_do_stop: stop unconditionally
            }
        }
    }

    static void postStop(Substream s, PcmState target, long ts) {
        // a group stop must not bring a member whose card went away back to life
        if (s.state != target && s.state != DISCONNECTED) {
            s.triggerTimestamp = ts;
            if (target == XRUN) {
                s.xrunCount++;
            }
            s.setState(target);
            DriverRuntime.firePeriodStopped(s);
        }
        Waits.wakeAll(s);
    }

    private static final Action PAUSE = new Action() {
        @Override
        public void pre(Substream s, PcmState target) {
            if (!s.constraints.has(PcmCapability.PAUSE)) {
                throw s.refuse(ENOSYS, "pause", target == PAUSED ? "push" : "release",
                        "the driver cannot pause");
            }
            if (target == PAUSED) {
                if (s.state != RUNNING) {
                    throw s.refuse(EBADFD, "pause", "push", "pause push only while RUNNING");
                }
            } else if (s.state != PAUSED) {
                throw s.refuse(EBADFD, "pause", "release", "pause release only while PAUSED");
            }
        }

        @Override
        public void run(Substream s, PcmState target) {
            if (target == PAUSED) {
                // drivers may recover from the pause at hw_ptr
                HwPtr.update(s, false);
            }
            trigger(s, target == PAUSED ? Trigger.PAUSE_PUSH : Trigger.PAUSE_RELEASE);
        }

        @Override
        public void undo(Substream s, PcmState target) {
            trigger(s, target == PAUSED ? Trigger.PAUSE_RELEASE : Trigger.PAUSE_PUSH);
        }

        @Override
        public void post(Substream s, PcmState target, long ts) {
            s.triggerTimestamp = ts;
            if (target == PAUSED) {
                s.setState(PAUSED);
                Waits.wakeAll(s);
            } else {
                s.setState(RUNNING);
                s.ptrs.hwPtrTime = s.clock.nanoTime();
            }
        }
    };

    private static final Action SUSPEND = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case SUSPENDED, OPEN, SETUP, DISCONNECTED ->
                    throw s.refuse(EBUSY, "suspend", null, "nothing to suspend");
                default -> {
                }
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            if (s.running()) {
                try {
                    trigger(s, Trigger.SUSPEND);
                } catch (RuntimeException ignored) {
                    // snd_pcm_do_suspend: suspend unconditionally
                }
            }
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.triggerTimestamp = ts;
            s.suspendedState = s.state;
            s.pages.publishSuspendedState(s.state);
            s.setState(SUSPENDED);
            Waits.wakeAll(s);
        }
    };

    private static final Action RESUME = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state != SUSPENDED) {
                throw s.refuse(EBADFD, "resume", null, "only from SUSPENDED");
            }
            if (!s.constraints.has(PcmCapability.RESUME)) {
                throw s.refuse(ENOSYS, "resume", null, "the driver cannot resume; prepare again");
            }
        }

        private boolean wasRunning(Substream s) {
            return s.suspendedState == RUNNING || (s.suspendedState == DRAINING && s.playback);
        }

        @Override
        public void run(Substream s, PcmState arg) {
            if (wasRunning(s)) {
                trigger(s, Trigger.RESUME);
            }
        }

        @Override
        public void undo(Substream s, PcmState arg) {
            if (wasRunning(s)) {
                trigger(s, Trigger.SUSPEND);
            }
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.triggerTimestamp = ts;
            s.setState(s.suspendedState);
            s.ptrs.hwPtrTime = s.clock.nanoTime();
        }
    };

    private static final Action RESET = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            switch (s.state) {
                case RUNNING, PREPARED, PAUSED, SUSPENDED -> {
                }
                default -> throw s.refuse(EBADFD, "reset", null, "only in RUNNING, PREPARED, PAUSED or SUSPENDED");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            doReset(s);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.pages.publishApplPtr(s.ptrs.hwPtr);
            if (s.playback && s.silenceSize > 0) {
                PlaybackSilence.fill(s, -1);
            }
        }
    };

    /** snd_pcm_do_reset with the default RESET ioctl (snd_pcm_lib_ioctl_reset). */
    private static void doReset(Substream s) {
        if (s.running() && HwPtr.update(s, false) >= 0) {
            s.publishHwPtr(s.ptrs.hwPtr % s.bufferSize);
        } else {
            s.publishHwPtr(0);
        }
        s.ptrs.hwPtrBase = 0;
        s.ptrs.hwPtrInterrupt = s.ptrs.hwPtr - s.ptrs.hwPtr % s.periodSize;
        s.silenceStart = s.ptrs.hwPtr;
        s.silenceFilled = 0;
    }

    private static final Action PREPARE = new Action() {
        @Override
        public void pre(Substream s, PcmState arg) {
            if (s.state == OPEN || s.state == DISCONNECTED) {
                throw s.refuse(EBADFD, "prepare", null, "no hardware parameters");
            }
            if (s.running()) {
                throw s.refuse(EBUSY, "prepare", null, "the stream is running; drop it first");
            }
        }

        @Override
        public void run(Substream s, PcmState arg) {
            s.ops.prepare();
            doReset(s);
        }

        @Override
        public void post(Substream s, PcmState arg, long ts) {
            s.pages.publishApplPtr(s.ptrs.hwPtr);
            s.setState(PREPARED);
        }
    };

    static void prepare(Substream s) {
        s.lockWithGroup();
        try {
            s.checkUsable("prepare");
            PcmState was = s.state;
            if (was == PAUSED) {
                releasePauseQuietly(s);
            }
            if (was == PAUSED || was == SUSPENDED) {
                action(s, STOP, SETUP);
            }
            action(s, PREPARE, PREPARED);
        } finally {
            s.unlockWithGroup();
        }
    }

    /** snd_pcm_drop, snd_pcm_drain and snd_pcm_prepare release a pause first; a failure there is ignored. */
    static void releasePauseQuietly(Substream s) {
        try {
            action(s, PAUSE, RUNNING);
        } catch (ErrnoException ignored) {
            // the stop that follows wins
        }
    }

    static void drop(Substream s) {
        s.lockWithGroup();
        try {
            s.checkUsable("drop");
            if (s.state == OPEN) {
                throw s.refuse(EBADFD, "drop", null, "no hardware parameters");
            }
            if (s.state == PAUSED) {
                releasePauseQuietly(s);
            }
            action(s, STOP, SETUP);
        } finally {
            s.unlockWithGroup();
        }
    }

    /** An ioctl that is one action: snd_pcm_start, snd_pcm_pause, snd_pcm_suspend, snd_pcm_resume, snd_pcm_reset. */
    static void ioctl(Substream s, String op, Action a, PcmState arg) {
        s.lockWithGroup();
        try {
            s.checkUsable(op);
            action(s, a, arg);
        } finally {
            s.unlockWithGroup();
        }
    }

    static void start(Substream s) {
        ioctl(s, "start", START, RUNNING);
    }

    static void pause(Substream s, boolean push) {
        ioctl(s, "pause", PAUSE, push ? PAUSED : RUNNING);
    }

    static void suspend(Substream s) {
        ioctl(s, "suspend", SUSPEND, SUSPENDED);
    }

    static void resume(Substream s) {
        ioctl(s, "resume", RESUME, RUNNING);
    }

    static void reset(Substream s) {
        ioctl(s, "reset", RESET, null);
    }
}
