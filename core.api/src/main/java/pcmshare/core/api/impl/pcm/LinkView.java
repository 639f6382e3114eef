package pcmshare.core.api.impl.pcm;

import pcmshare.core.api.clock.Clock;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.SubstreamView;

/**
 * What a driver sees of a substream its own is linked with, and what period
 * listeners are told of (the kernel hands drivers the partner's struct
 * snd_pcm_substream in snd_pcm_group_for_each_entry; here a read-only view
 * whose reads take no lock). The driver's runtime is this view and more.
 */
class LinkView implements SubstreamView {
    final Substream s;

    LinkView(Substream s) {
        this.s = s;
    }

    @Override
    public String cardId() {
        return s.card.id();
    }

    @Override
    public String cardName() {
        return s.card.info().name();
    }

    @Override
    public int device() {
        return s.device();
    }

    @Override
    public Direction direction() {
        return s.direction;
    }

    @Override
    public int subdevice() {
        return s.subdevice();
    }

    @Override
    public Clock clock() {
        return s.clock;
    }

    @Override
    public HwParams hwParams() {
        return s.hw;
    }

    @Override
    public PcmState state() {
        return s.state;
    }

    @Override
    public long hwPtr() {
        try {
            return s.pages.hwPtr();
        } catch (IllegalStateException closed) {
            return s.ptrs.hwPtr; // the substream closed under the caller: its last position, never an exception
        }
    }

    @Override
    public String toString() {
        return "linked " + s.name();
    }
}
