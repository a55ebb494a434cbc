package io.bulwark.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTests {

  @Test
  void aConditionThatComesToHoldEndsTheWaitAtOnce() {
    AtomicInteger checks = new AtomicInteger();

    boolean held =
        Await.until(() -> checks.incrementAndGet() == 3)
            .every(Duration.ofMillis(1))
            .within(Duration.ofSeconds(10));

    assertThat(held).isTrue();
    assertThat(checks).hasValue(3);
  }

  @Test
  void aConditionThatNeverHoldsIsCheckedUntilTheTimeIsUpThenFalse() {
    AtomicInteger checks = new AtomicInteger();
    long started = System.nanoTime();

    boolean held =
        Await.until(() -> checks.incrementAndGet() < 0)
            .every(Duration.ofMillis(10))
            .within(Duration.ofMillis(200));

    assertThat(held).isFalse();
    assertThat(checks.get()).isGreaterThan(1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(190));
  }

  @Test
  void aConditionThatHoldsAlreadyIsCheckedOnceEvenWithNoTime() {
    assertThat(Await.until(() -> true).within(Duration.ZERO)).isTrue();
  }

  @Test
  void runningOutOfTimeFailsWithTheGivenText() {
    assertThatThrownBy(
            () ->
                Await.until(() -> false)
                    .every(Duration.ofMillis(5))
                    .within(Duration.ofMillis(20), () -> "no primary"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no primary");
  }

  @Test
  void anExceptionOfTheConditionEndsTheWait() {
    assertThatThrownBy(
            () ->
                Await.until(
                        () -> {
                          throw new IllegalStateException("the process exited");
                        })
                    .within(Duration.ofSeconds(10)))
        .hasMessage("the process exited");
  }

  @Test
  void aValueIsGivenAsSoonAsTheProbeFindsIt() {
    AtomicInteger checks = new AtomicInteger();

    String found =
        Await.untilPresent(
                () ->
                    checks.incrementAndGet() < 3 ? Optional.<String>empty() : Optional.of("node2"))
            .every(Duration.ofMillis(1))
            .within(Duration.ofSeconds(10), () -> "none");

    assertThat(found).isEqualTo("node2");
    assertThat(checks).hasValue(3);
  }
}
