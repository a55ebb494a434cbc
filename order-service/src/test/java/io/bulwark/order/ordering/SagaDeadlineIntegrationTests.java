package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.reliability.autoconfigure.DeadLetterTopics;
import io.bulwark.reliability.event.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The saga's deadline, with a short one: an order the inventory does not answer in time is
 * rejected, saying why, and tells the inventory so; a reply after that changes nothing.
 */
@TestPropertySource(properties = {"bulwark.saga.deadline=2s", "bulwark.saga.check-interval=200ms"})
class SagaDeadlineIntegrationTests extends SagaIntegrationTestBase {

  @Autowired DeadLetterTopics deadLetterTopics;

  @Test
  void anOrderTheInventoryNeverAnswersIsRejectedAtItsDeadlineSayingWhy() {
    Instant placed = Instant.now();
    String id = placeOrder();

    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(id).equals("REJECTED"));

    Duration took = Duration.between(placed, Instant.now());
    assertThat(took)
        .as("the deadline, then at most a check interval")
        .isGreaterThan(Duration.ofSeconds(2));
    assertThat(http().get("/api/orders/" + id).body())
        .contains("\"rejectionReason\":\"inventory did not answer within 2 s\"");
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderRejected");
    EventEnvelope rejected =
        TestKafka.readUntil(
                OrderEvents.TOPIC,
                records ->
                    records.stream().anyMatch(r -> id.equals(r.key()) && isRejected(r.value())),
                WAIT)
            .stream()
            .filter(r -> id.equals(r.key()) && isRejected(r.value()))
            .map(r -> codec.decode(r.value()))
            .findFirst()
            .orElseThrow();
    assertThat(rejected.payload().get("reason").asString())
        .isEqualTo("inventory did not answer within 2 s");
  }

  @Test
  void aReservationThatArrivesAfterTheDeadlineLeavesTheOrderRejected() {
    String id = placeOrder();
    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(id).equals("REJECTED"));

    reply(id, "StockReserved", Map.of("orderId", id, "items", List.of()));

    assertThat(statusOf(id)).isEqualTo("REJECTED");
    assertThat(eventsOf(id))
        .as("the inventory releases on the rejection it has been sent; nothing more is asked")
        .containsExactly("OrderPlaced", "OrderRejected");
  }

  @Test
  void anOrderWhoseReplyIsDeadLetteredStillConcludesAtItsDeadline() {
    String id = placeOrder();

    // the order's reservation, but not one order-service can apply: dead-lettered at once
    reply(id, "StockReserved", Map.of("orderId", "not-an-order-id", "items", List.of()));
    TestKafka.readUntil(
        deadLetterTopics.of(Topics.INVENTORY_EVENTS),
        records -> records.stream().anyMatch(r -> id.equals(r.key())),
        WAIT);

    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(id).equals("REJECTED"));
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderRejected");
  }

  @Test
  void anOrderAnsweredInTimeIsNotGivenUp() throws InterruptedException {
    String id = placeOrder();
    reply(id, "StockReserved", Map.of("orderId", id, "items", List.of()));

    Thread.sleep(3_000); // past the deadline and several checks

    assertThat(statusOf(id)).isEqualTo("CONFIRMED");
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderConfirmed");
  }

  private boolean isRejected(byte[] value) {
    return codec.decode(value).type().equals("OrderRejected");
  }
}
