package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.SETUP;

import pcmshare.core.api.pcm.PcmState;

/**
 * The end of a substream, as pcm_native.c's snd_pcm_release_substream and
 * pcm_release_private (drop, unlink, hw_free, close, with one handle per open
 * file and the last one closing), and pcm.c's snd_pcm_dev_disconnect (the card
 * went away: the stream stops, the driver is let go, the buffer stays until
 * close).
 */
final class Release {
    private Release() {
    }

    static void retainHandle(Substream s) {
        s.lockStream();
        try {
            s.checkUsable("dup");
            s.handles++;
            s.card.counters().handles.incrementAndGet();
        } finally {
            s.lock.unlock();
        }
    }

    static void releaseHandle(Substream s) {
        boolean last;
        s.lockStream();
        try {
            last = --s.handles == 0;
            s.card.counters().handles.decrementAndGet();
        } finally {
            s.lock.unlock();
        }
        if (last) {
            close(s);
        }
    }

    static void close(Substream s) {
        s.lockWithGroup();
        try {
            if (s.closed || s.closing) {
                return;
            }
            s.closing = true;
            if (s.state != OPEN && s.state != DISCONNECTED) {
                try {
                    if (s.state == PAUSED) {
                        PcmActions.releasePauseQuietly(s);
                    }
                    // snd_pcm_release_substream drops first: a linked group stops as a whole
                    PcmActions.action(s, PcmActions.STOP, SETUP);
                } catch (RuntimeException ignored) {
                    // closing must succeed whatever the driver says
                }
            }
        } finally {
            s.unlockWithGroup();
        }
        // pcm_release_private: out of the group before the driver lets go, its partners told
        LinkGroups.unlink(s, "close", true);
        s.lockStream();
        try {
            releaseDriver(s);
            PcmParams.uninstall(s);
            s.closed = true;
            if (s.state != DISCONNECTED) {
                s.state = OPEN;
            }
            Waits.wakeAll(s);
        } finally {
            s.lock.unlock();
        }
        s.card.release(s);
    }

    /**
     * snd_pcm_dev_disconnect: snd_pcm_stop(substream, SNDRV_PCM_STATE_DISCONNECTED),
     * which as every stop acts on the whole link group, with one trigger
     * timestamp. The departing card's substreams become DISCONNECTED and its
     * driver is let go; the buffer stays until close. A member of another card
     * stops into SETUP, as a drop would leave it: the kernel makes it
     * DISCONNECTED too, which leaves a working card's substream unusable until
     * it is reopened; here it unlinks (or waits for the departed member's close)
     * and goes on.
     */
    static void disconnect(Substream s) {
        s.lockWithGroup();
        try {
            if (s.closed) {
                return;
            }
            if (s.state != DISCONNECTED) {
                PcmActions.action(s, disconnectOf(s.card), DISCONNECTED);
                // a substream in OPEN has nothing to stop, but its card going away ends it too
                markDisconnected(s, s.clock.nanoTime());
            }
            // the group lock keeps a link transaction from telling a driver that has let go
            releaseDriver(s);
        } finally {
            s.unlockWithGroup();
        }
    }

    /** snd_pcm_action_stop for a departing card: never refused, the triggers' failures ignored. */
    private static Action disconnectOf(Card departing) {
        return new Action() {
            @Override
            public void pre(Substream m, PcmState arg) {
            }

            @Override
            public void run(Substream m, PcmState arg) {
                // snd_pcm_do_stop; the driver may be leaving already
                PcmActions.doStop(m);
            }

            @Override
            public void post(Substream m, PcmState arg, long ts) {
                if (m.card == departing) {
                    markDisconnected(m, ts);
                    Waits.wakeAll(m);
                } else if (m.state != OPEN) {
                    // snd_pcm_pre_stop refuses OPEN: a linked member without parameters keeps its state
                    PcmActions.postStop(m, SETUP, ts);
                }
            }
        };
    }

    private static void markDisconnected(Substream m, long ts) {
        if (m.state == DISCONNECTED) {
            return;
        }
        m.state = DISCONNECTED;
        m.triggerTimestamp = ts;
        DriverRuntime.firePeriodStopped(m);
    }

    private static void releaseDriver(Substream s) {
        if (s.driverReleased || s.ops == null) {
            return;
        }
        s.driverReleased = true;
        try {
            if (s.hw != null) {
                s.ops.hwFree();
            }
        } catch (RuntimeException ignored) {
            // nothing left to do with a failing driver
        }
        try {
            s.ops.close();
        } catch (RuntimeException ignored) {
            // same
        }
    }
}
