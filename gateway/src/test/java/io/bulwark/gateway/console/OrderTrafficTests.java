package io.bulwark.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.gateway.console.OrderTraffic.Answer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OrderTrafficTests {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final OrderTraffic traffic = new OrderTraffic(now::get);

  @Test
  void eachAnswerIsCountedInTheSecondItWasGiven() {
    traffic.record(Answer.CREATED, millis(10));
    traffic.record(Answer.CREATED, millis(12));
    now.addAndGet(1_000);
    traffic.record(Answer.LIMITED, millis(1));

    OrderTraffic.Reading reading = traffic.read();

    assertThat(reading.seconds()).hasSize(OrderTraffic.SECONDS);
    OrderTraffic.Second last = reading.seconds().get(OrderTraffic.SECONDS - 1);
    OrderTraffic.Second before = reading.seconds().get(OrderTraffic.SECONDS - 2);
    assertThat(last.epochSecond()).isEqualTo(now.get() / 1000);
    assertThat(last.limited()).isEqualTo(1);
    assertThat(last.created()).isZero();
    assertThat(before.created()).isEqualTo(2);
    assertThat(reading.latency().answered()).isEqualTo(3);
  }

  @Test
  void aSecondOlderThanTheWindowIsForgottenAndItsSlotReused() {
    traffic.record(Answer.FAILED, millis(5));
    now.addAndGet(OrderTraffic.SECONDS * 1_000L);
    traffic.record(Answer.REFUSED, millis(5));

    OrderTraffic.Reading reading = traffic.read();

    assertThat(reading.seconds().stream().mapToLong(OrderTraffic.Second::failed).sum()).isZero();
    assertThat(reading.seconds().stream().mapToLong(OrderTraffic.Second::refused).sum())
        .isEqualTo(1);
    assertThat(reading.latency().answered()).isEqualTo(1);
  }

  @Test
  void percentilesAreWithinTenPercentOfTheLatencies() {
    for (int i = 1; i <= 100; i++) {
      traffic.record(Answer.CREATED, millis(i));
    }

    OrderTraffic.Latency latency = traffic.read().latency();

    assertThat(latency.p50Ms()).isBetween(50.0, 55.0);
    assertThat(latency.p99Ms()).isBetween(99.0, 108.9);
    assertThat(traffic.read().seconds().get(OrderTraffic.SECONDS - 2).p50Ms())
        .as("a second with no answers has no latency")
        .isNull();
  }

  @Test
  void anAnswerIsNamedByItsStatusAndTheReplayMark() {
    assertThat(Answer.of(201, false)).isEqualTo(Answer.CREATED);
    assertThat(Answer.of(201, true)).isEqualTo(Answer.REPLAYED);
    assertThat(Answer.of(401, false)).isEqualTo(Answer.REFUSED);
    assertThat(Answer.of(422, false)).isEqualTo(Answer.REFUSED);
    assertThat(Answer.of(429, false)).isEqualTo(Answer.LIMITED);
    assertThat(Answer.of(503, false)).isEqualTo(Answer.FAILED);
  }

  private static long millis(int millis) {
    return millis * 1_000_000L;
  }
}
