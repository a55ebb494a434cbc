package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.reliability.autoconfigure.DeadLetterTopics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The inventory's replies, sent on the real broker, conclude orders exactly once. */
class SagaRepliesIntegrationTests extends SagaIntegrationTestBase {

  @Autowired DeadLetterTopics deadLetterTopics;

  @Test
  void stockReservedConfirmsTheOrder() {
    String id = placeOrder();

    reply(id, "StockReserved", Map.of("orderId", id, "items", List.of()));

    assertThat(statusOf(id)).isEqualTo("CONFIRMED");
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderConfirmed");
  }

  @Test
  void stockRejectedRejectsTheOrderWithTheReason() {
    String id = placeOrder();

    reply(id, "StockRejected", Map.of("orderId", id, "reason", "insufficient stock for SKU-1"));

    assertThat(http().get("/api/orders/" + id).body())
        .contains(
            "\"status\":\"REJECTED\"", "\"rejectionReason\":\"insufficient stock for SKU-1\"");
  }

  @Test
  void aReplyForAnOrderThatDoesNotExistIsDeadLetteredAtOnceAndTheNextReplyStillApplies() {
    String unknown = UUID.randomUUID().toString();
    String id = placeOrder();

    TestKafka.send(
        Topics.INVENTORY_EVENTS,
        unknown,
        envelope(unknown, "StockReserved", Map.of("orderId", unknown)));
    reply(id, "StockReserved", Map.of("orderId", id));

    assertThat(statusOf(id)).isEqualTo("CONFIRMED");
    var deadLetters =
        TestKafka.readUntil(
            deadLetterTopics.of(Topics.INVENTORY_EVENTS),
            records -> records.stream().anyMatch(r -> unknown.equals(r.key())),
            WAIT);
    var deadLetter =
        deadLetters.stream().filter(r -> unknown.equals(r.key())).findFirst().orElseThrow();
    // classified as never applicable, so it skipped the retries with backoff
    assertThat(
            new String(deadLetter.headers().lastHeader("kafka_dlt-exception-cause-fqcn").value()))
        .isEqualTo("io.bulwark.reliability.event.MalformedEventException");
  }

  @Test
  void aReplyDeliveredTwiceConfirmsOnce() {
    String id = placeOrder();
    byte[] reserved = envelope(id, "StockReserved", Map.of("orderId", id));

    TestKafka.send(Topics.INVENTORY_EVENTS, id, reserved);
    TestKafka.send(Topics.INVENTORY_EVENTS, id, reserved);
    TestKafka.awaitConsumed("order-service", Topics.INVENTORY_EVENTS, WAIT);

    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderConfirmed");
  }

  @Test
  void cancellingAConfirmedOrderRaisesOrderCancelledOnceEvenWhenAskedTwice() {
    String id = placeOrder();
    reply(id, "StockReserved", Map.of("orderId", id));

    assertThat(http().postOnce("/api/orders/" + id + "/cancel", null).status()).isEqualTo(200);
    assertThat(http().postOnce("/api/orders/" + id + "/cancel", null).status()).isEqualTo(200);

    assertThat(statusOf(id)).isEqualTo("CANCELLED");
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderConfirmed", "OrderCancelled");
  }

  @Test
  void aReservationForAnOrderCancelledMeanwhileLeavesItCancelled() {
    String id = placeOrder();
    http().postOnce("/api/orders/" + id + "/cancel", null);

    reply(id, "StockReserved", Map.of("orderId", id));

    assertThat(statusOf(id)).isEqualTo("CANCELLED");
    assertThat(eventsOf(id)).containsExactly("OrderPlaced", "OrderCancelled");
  }

  @Test
  void aRejectedOrderCannotBeCancelled() {
    String id = placeOrder();
    reply(id, "StockRejected", Map.of("orderId", id, "reason", "unknown SKU SKU-1"));

    var response = http().postOnce("/api/orders/" + id + "/cancel", null);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(statusOf(id)).isEqualTo("REJECTED");
  }

  @Test
  void theRequestsCorrelationIdTravelsWithTheEventToKafka() {
    var response =
        http()
            .send(
                "POST",
                "/api/orders",
                OrderRequest.of("SKU-1", 1).json(),
                "application/json",
                Map.of(
                    "Idempotency-Key",
                    UUID.randomUUID().toString(),
                    "X-Correlation-Id",
                    "corr-42"));
    String id = response.header("Location").substring("/api/orders/".length());

    assertThat(response.header("X-Correlation-Id")).isEqualTo("corr-42");
    var published =
        TestKafka.readUntil(
                OrderEvents.TOPIC,
                records -> records.stream().anyMatch(r -> id.equals(r.key())),
                WAIT)
            .stream()
            .filter(r -> id.equals(r.key()))
            .findFirst()
            .orElseThrow();
    assertThat(codec.decode(published.value()).correlationId()).isEqualTo("corr-42");
    assertThat(new String(published.headers().lastHeader("bulwark-correlation-id").value()))
        .isEqualTo("corr-42");
  }
}
