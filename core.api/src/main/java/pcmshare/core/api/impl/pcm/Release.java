package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.pcm.PcmState.DISCONNECTED;
import static pcmshare.core.api.pcm.PcmState.OPEN;
import static pcmshare.core.api.pcm.PcmState.PAUSED;
import static pcmshare.core.api.pcm.PcmState.SETUP;

import pcmshare.core.api.driver.Trigger;

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
        s.lockStream();
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
            s.lock.unlock();
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

    static void disconnect(Substream s) {
        s.lockStream();
        // the group lock keeps a link transaction from telling a driver that has let go
        SubstreamGroup g = LinkGroups.lockGroup(s);
        try {
            if (s.closed || s.state == DISCONNECTED) {
                return;
            }
            if (s.running()) {
                try {
                    s.ops.trigger(Trigger.STOP);
                } catch (RuntimeException ignored) {
                    // the driver is leaving anyway
                }
            }
            s.state = DISCONNECTED;
            s.triggerTimestamp = s.clock.nanoTime();
            DriverRuntime.firePeriodStopped(s);
            releaseDriver(s);
            Waits.wakeAll(s);
        } finally {
            g.lock.unlock();
            s.lock.unlock();
        }
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
