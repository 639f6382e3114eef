package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * Card indexes (snd_card_new's idx): a card keeps its number while it exists,
 * a freed number goes back to the same card id, and to another card only when
 * no unused one is left; a driver may ask for a number.
 */
class CardIndexTest {
    private final PcmEngine engine = new PcmEngine(new ManualClock(0), Allocators::platform,
            PcmEngine.DEFAULT_POINTER_LIMIT);

    private static ToyCard card(String id) {
        return new ToyCard(id, pcmshare.core.api.pcm.HwConstraints.typical(), 1);
    }

    private int index(String id) {
        return engine.card(id).orElseThrow().index();
    }

    @Test
    void cardKeepsItsIndexWhenAnEarlierCardGoes() {
        ToyCard a = card("A");
        ToyCard b = card("B");
        engine.addCard(a);
        engine.addCard(b);
        engine.addCard(card("C"));
        assertThat(index("C")).isEqualTo(2);
        engine.removeCard(b);
        assertThat(index("C")).isEqualTo(2);
        assertThat(engine.cards()).extracting(CardInfo::index).containsExactly(0, 2);
    }

    @Test
    void freedIndexGoesBackToTheSameCardIdOnly() {
        ToyCard b = card("B");
        engine.addCard(card("A"));
        engine.addCard(b);
        engine.removeCard(b);
        engine.addCard(card("D"));
        assertThat(index("D")).as("a new card does not take B's index").isEqualTo(2);
        engine.addCard(card("B"));
        assertThat(index("B")).as("B, replaced, has its index again").isEqualTo(1);
    }

    @Test
    void freedIndexIsReusedByAnotherCardWhenNoneIsLeft() {
        List<ToyCard> cards = new ArrayList<>();
        for (int i = 0; i < CardIndexes.SNDRV_CARDS; i++) {
            cards.add(card("C" + i));
            engine.addCard(cards.get(i));
        }
        engine.removeCard(cards.get(5));
        engine.removeCard(cards.get(7));
        engine.addCard(card("Late"));
        assertThat(index("Late")).isEqualTo(5);
    }

    @Test
    void driverMayAskForAnIndex_takenIsEbusy() {
        engine.addCard(new Pinned("P", 3));
        assertThat(index("P")).isEqualTo(3);
        engine.addCard(card("A"));
        assertThat(index("A")).isZero();
        assertThatThrownBy(() -> engine.addCard(new Pinned("Q", 3)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                .hasMessageContaining("index 3 is taken by card P");
        assertThat(engine.card("Q")).isEmpty();
        assertThatThrownBy(() -> engine.addCard(new Pinned("R", 32)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void indexAskedForIsNotGivenToOthers() {
        engine.addCard(new Pinned("P", 0));
        engine.addCard(card("A"));
        assertThat(index("A")).isEqualTo(1);
    }

    /** A card that asks for an index, as a configuration's {@code index = N} makes one. */
    private record Pinned(String id, int index) implements SoundCardDriver {
        @Override
        public String name() {
            return id;
        }

        @Override
        public List<PcmDeviceInfo> devices() {
            return card(id).devices();
        }

        @Override
        public PcmOps open(PcmRuntime runtime) {
            throw new ErrnoException(Errno.ENODEV, "open", null, id, "not opened in this test");
        }
    }
}
