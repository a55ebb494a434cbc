package io.bulwark.order.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfirmedSkusTests {

  @Test
  void onlySkusNotConfirmedBeforeAreLeftToAskAbout() {
    ConfirmedSkus confirmed = new ConfirmedSkus(10);
    confirmed.confirmed(List.of("A", "B"));

    assertThat(confirmed.unconfirmed(Set.of("A", "B", "C"))).containsExactly("C");
    assertThat(confirmed.unconfirmed(Set.of("A"))).isEmpty();
  }

  @Test
  void pastItsLimitNoMoreSkusAreRememberedAndTheRestAreAskedAboutEachTime() {
    ConfirmedSkus confirmed = new ConfirmedSkus(2);

    confirmed.confirmed(List.of("A", "B", "C"));

    assertThat(confirmed.size()).isEqualTo(2);
    assertThat(confirmed.unconfirmed(Set.of("A", "B", "C"))).containsExactly("C");
  }

  @Test
  void aLimitOfZeroRemembersNothing() {
    ConfirmedSkus confirmed = new ConfirmedSkus(0);

    confirmed.confirmed(List.of("A"));

    assertThat(confirmed.unconfirmed(Set.of("A"))).containsExactly("A");
    assertThatThrownBy(() -> new ConfirmedSkus(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
