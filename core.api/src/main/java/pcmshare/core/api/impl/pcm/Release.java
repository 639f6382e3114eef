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
    private static final System.Logger LOG = System.getLogger("pcmshare.core.api");

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

    /**
     * Close always completes, whatever the driver or a step throws (an Error
     * included): the handle is closed, the driver told, the buffer let go and
     * the subdevice given back, so it can be opened again; what was thrown is
     * logged, naming the substream.
     */
    static void close(Substream s) {
        s.lockWithGroup();
        try {
            if (s.closed || s.closing) {
                return;
            }
            s.closing = true;
        } finally {
            s.unlockWithGroup();
        }
        Throwable failure = null;
        try {
            failure = stopForClose(s);
            try {
                // pcm_release_private: out of the group before the driver lets go, its partners told
                LinkGroups.unlink(s, "close", true);
            } catch (Throwable t) {
                failure = first(failure, t);
            }
            s.lockStream();
            try {
                failure = first(failure, releaseDriver(s));
                try {
                    PcmParams.uninstall(s);
                } catch (Throwable t) {
                    failure = first(failure, t);
                }
            } finally {
                s.closed = true;
                if (s.state != DISCONNECTED) {
                    s.setState(OPEN);
                }
                Waits.wakeAll(s);
                s.lock.unlock();
            }
        } finally {
            s.card.release(s);
            // the lock-free paths check closing first; a reader racing this sees a closed segment, never freed memory
            s.pages.release();
            // listeners registered on the substream itself hear what the close said, then their thread ends
            s.directListeners.retireAll(null, false);
        }
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "close of " + s + ": closed and given back although a step threw "
                    + failure, failure);
        }
    }

    /** snd_pcm_release_substream drops first: a linked group stops as a whole. */
    private static Throwable stopForClose(Substream s) {
        s.lockWithGroup();
        try {
            if (s.state != OPEN && s.state != DISCONNECTED) {
                if (s.state == PAUSED) {
                    PcmActions.releasePauseQuietly(s);
                }
                PcmActions.action(s, PcmActions.STOP, SETUP);
            }
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            s.unlockWithGroup();
        }
    }

    private static Throwable first(Throwable a, Throwable b) {
        if (a == null) {
            return b;
        }
        if (b != null && b != a) {
            a.addSuppressed(b);
        }
        return a;
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
            Throwable failure = releaseDriver(s);
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "disconnect of " + s + ": the driver's hw_free or close threw "
                        + failure, failure);
            }
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
        m.setState(DISCONNECTED);
        m.triggerTimestamp = ts;
        DriverRuntime.firePeriodStopped(m);
    }

    /** The driver's hw_free (when it has a setup) and close; answers what they threw, for the log. */
    private static Throwable releaseDriver(Substream s) {
        if (s.driverReleased || s.ops == null) {
            return null;
        }
        s.driverReleased = true;
        Throwable failure = null;
        try {
            if (s.hw != null) {
                s.ops.hwFree();
            }
        } catch (Throwable t) {
            failure = t;
        }
        try {
            s.ops.close();
        } catch (Throwable t) {
            failure = first(failure, t);
        }
        return failure;
    }
}
