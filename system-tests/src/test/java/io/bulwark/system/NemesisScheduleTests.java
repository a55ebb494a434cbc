package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisScheduleTests {

  private static final Duration TWO_MINUTES = Duration.ofMinutes(2);

  @Test
  void aSeedAlwaysGivesTheSameSchedule() {
    assertThat(Nemesis.schedule(42, TWO_MINUTES)).isEqualTo(Nemesis.schedule(42, TWO_MINUTES));
    assertThat(Nemesis.schedule(42, TWO_MINUTES)).isNotEqualTo(Nemesis.schedule(43, TWO_MINUTES));
  }

  @Test
  void everyKindOfFaultComesInTheFirstRound() {
    for (long seed = 0; seed < 50; seed++) {
      List<Nemesis.Fault> first =
          Nemesis.schedule(seed, Duration.ofSeconds(1)).stream()
              .limit(Nemesis.Fault.values().length)
              .map(Nemesis.Step::fault)
              .toList();
      assertThat(first).as("seed %d", seed).containsExactlyInAnyOrder(Nemesis.Fault.values());
    }
  }

  @Test
  void theScheduleFillsTheTimeItIsGivenWithPausesAndHoldsWithinTheirBounds() {
    List<Nemesis.Step> steps = Nemesis.schedule(7, Duration.ofMinutes(10));
    long total = steps.stream().mapToLong(s -> s.pause().toMillis() + s.hold().toMillis()).sum();
    assertThat(total).isGreaterThanOrEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(steps)
        .allSatisfy(
            step -> {
              assertThat(step.pause()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
              assertThat(step.hold()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(12));
            });
  }
}
