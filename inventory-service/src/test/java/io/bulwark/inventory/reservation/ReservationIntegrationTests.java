package io.bulwark.inventory.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.inventory.InventoryServiceTestBase;
import io.bulwark.reliability.autoconfigure.DeadLetterTopics;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The inventory's part of the saga, driven by order events on the real broker. */
class ReservationIntegrationTests extends InventoryServiceTestBase {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired EventCodec codec;
  @Autowired DeadLetterTopics deadLetters;
  @Autowired JdbcClient jdbc;

  @Test
  void anOrderWithEnoughStockIsReservedOnEveryLineAndAnswered() {
    setStock("R-A", 10);
    setStock("R-B", 3);
    String order = newOrderId();

    send(order, orderPlaced(order, "R-A", 4, "R-B", 3));

    EventEnvelope reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("StockReserved");
    assertThat(stock("R-A")).isEqualTo(new int[] {6, 4});
    assertThat(stock("R-B")).isEqualTo(new int[] {0, 3});
  }

  @Test
  void theReplyCarriesTheCorrelationIdOfTheOrderEvent() {
    setStock("CORR-A", 5);
    String order = newOrderId();
    byte[] placed =
        codec.encode(
            new EventEnvelope(
                UUID.randomUUID(),
                "OrderPlaced",
                1,
                "Order",
                order,
                Instant.now(),
                JsonMapper.shared()
                    .valueToTree(
                        Map.of(
                            "orderId",
                            order,
                            "customerId",
                            "c-1",
                            "items",
                            List.of(Map.of("sku", "CORR-A", "quantity", 1)))),
                "corr-from-order"));

    send(order, placed);

    assertThat(awaitReplies(order, 1).get(0).correlationId()).isEqualTo("corr-from-order");
  }

  @Test
  void anOrderWithOneShortLineIsRejectedWithAReasonAndNoStockChanges() {
    setStock("S-A", 10);
    setStock("S-B", 1);
    String order = newOrderId();

    send(order, orderPlaced(order, "S-A", 4, "S-B", 2));

    EventEnvelope reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("StockRejected");
    assertThat(reply.payload().get("reason").asString()).contains("insufficient stock for S-B");
    assertThat(stock("S-A")).isEqualTo(new int[] {10, 0});
    assertThat(stock("S-B")).isEqualTo(new int[] {1, 0});
  }

  @Test
  void anOrderForAnUnknownSkuIsRejected() {
    String order = newOrderId();

    send(order, orderPlaced(order, "NEVER-STOCKED", 1));

    EventEnvelope reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("StockRejected");
    assertThat(reply.payload().get("reason").asString()).contains("unknown SKU NEVER-STOCKED");
  }

  @Test
  void theSameOrderPlacedDeliveredTwiceReservesOnce() {
    setStock("D-A", 10);
    String order = newOrderId();
    byte[] placed = orderPlaced(order, "D-A", 3);

    send(order, placed);
    send(order, placed);
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("D-A")).isEqualTo(new int[] {7, 3});
    assertThat(awaitReplies(order, 1))
        .extracting(EventEnvelope::type)
        .containsExactly("StockReserved");
  }

  @Test
  void cancellingAReservedOrderReleasesItsStockOnceEvenWhenTheCancellationArrivesTwice() {
    setStock("C-A", 10);
    String order = newOrderId();
    send(order, orderPlaced(order, "C-A", 4));
    awaitReplies(order, 1);
    byte[] cancelled = event("OrderCancelled", order, Map.of("orderId", order));

    send(order, cancelled);
    send(order, cancelled);
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("C-A")).isEqualTo(new int[] {10, 0});
    assertThat(repliesDecided(order)).containsExactly("StockReserved", "StockReleased");
    assertThat(awaitReplies(order, 2))
        .extracting(EventEnvelope::type)
        .containsExactly("StockReserved", "StockReleased");
  }

  @Test
  void aCancellationBeforeThePlacementMeansNothingIsEverReserved() {
    setStock("E-A", 10);
    String order = newOrderId();

    send(order, event("OrderCancelled", order, Map.of("orderId", order)));
    send(order, orderPlaced(order, "E-A", 2));
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("E-A")).isEqualTo(new int[] {10, 0});
    assertThat(repliesDecided(order)).containsExactly("StockReleased");
  }

  @Test
  void anOrderGivenUpAtItsDeadlineAfterItsReservationHasItsStockReleasedOnce() {
    setStock("G-A", 10);
    String order = newOrderId();
    send(order, orderPlaced(order, "G-A", 3));
    awaitReplies(order, 1);
    byte[] rejected = orderRejected(order, "inventory did not answer within 30 s");

    send(order, rejected);
    send(order, rejected);
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("G-A")).isEqualTo(new int[] {10, 0});
    assertThat(repliesDecided(order)).containsExactly("StockReserved", "StockReleased");
    assertThat(
            jdbc.sql("SELECT reason FROM reservation WHERE order_id = ?")
                .param(order)
                .query(String.class)
                .single())
        .isEqualTo("order rejected: inventory did not answer within 30 s");
  }

  @Test
  void anOrderGivenUpBeforeTheInventoryDecidedIsNeverReserved() {
    setStock("G-B", 10);
    String order = newOrderId();

    send(order, orderRejected(order, "inventory did not answer within 30 s"));
    send(order, orderPlaced(order, "G-B", 2));
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("G-B")).isEqualTo(new int[] {10, 0});
    assertThat(repliesDecided(order)).containsExactly("StockReleased");
  }

  @Test
  void theRejectionThatFollowsTheInventorysOwnChangesNothing() {
    setStock("G-C", 1);
    String order = newOrderId();
    send(order, orderPlaced(order, "G-C", 5));
    awaitReplies(order, 1);

    send(order, orderRejected(order, "insufficient stock for G-C: requested 5, available 1"));
    TestKafka.awaitConsumed("inventory-service", OrderEvents.TOPIC, WAIT);

    assertThat(stock("G-C")).isEqualTo(new int[] {1, 0});
    assertThat(repliesDecided(order)).containsExactly("StockRejected");
  }

  @Test
  void aPoisonOrderEventIsDeadLetteredAndTheNextOneOnItsPartitionIsProcessed() {
    setStock("P-A", 5);
    String order = newOrderId();
    byte[] poison = "\u0000\u0001 definitely not an envelope".getBytes(StandardCharsets.UTF_8);

    send(order, poison);
    send(order, orderPlaced(order, "P-A", 1));

    assertThat(awaitReplies(order, 1).get(0).type()).isEqualTo("StockReserved");
    var dead =
        TestKafka.readUntil(
            deadLetters.of(OrderEvents.TOPIC),
            records -> records.stream().anyMatch(r -> order.equals(r.key())),
            WAIT);
    assertThat(dead).anySatisfy(r -> assertThat(r.value()).isEqualTo(poison));
  }

  @Test
  void anOrderPlacedWhosePayloadDoesNotFitItsSchemaIsDeadLettered() {
    String order = newOrderId();
    byte[] wrongShape = event("OrderPlaced", order, Map.of("orderId", order, "items", "many"));

    send(order, wrongShape);

    var dead =
        TestKafka.readUntil(
            deadLetters.of(OrderEvents.TOPIC),
            records -> records.stream().anyMatch(r -> order.equals(r.key())),
            WAIT);
    assertThat(dead).anySatisfy(r -> assertThat(r.value()).isEqualTo(wrongShape));
    assertThat(
            jdbc.sql("SELECT count(*) FROM reservation WHERE order_id = ?")
                .param(order)
                .query(Long.class)
                .single())
        .isZero();
  }

  private void setStock(String sku, int available) {
    assertThat(http().put("/api/inventory/" + sku, "{\"available\": " + available + "}").status())
        .isEqualTo(200);
  }

  private int[] stock(String sku) {
    return jdbc.sql("SELECT available, reserved FROM stock_item WHERE sku = ?")
        .param(sku)
        .query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)})
        .single();
  }

  private static String newOrderId() {
    return UUID.randomUUID().toString();
  }

  private byte[] orderPlaced(String order, Object... skuAndQuantity) {
    List<Map<String, Object>> items = new java.util.ArrayList<>();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      items.add(Map.of("sku", skuAndQuantity[i], "quantity", skuAndQuantity[i + 1]));
    }
    return event(
        "OrderPlaced", order, Map.of("orderId", order, "customerId", "c-1", "items", items));
  }

  private byte[] orderRejected(String order, String reason) {
    return event("OrderRejected", order, Map.of("orderId", order, "reason", reason));
  }

  private byte[] event(String type, String order, Map<String, Object> payload) {
    return codec.encode(
        new EventEnvelope(
            UUID.randomUUID(),
            type,
            1,
            "Order",
            order,
            Instant.now(),
            JsonMapper.shared().valueToTree(payload)));
  }

  private static void send(String order, byte[] message) {
    TestKafka.send(OrderEvents.TOPIC, order, message);
  }

  /** Waits until the broker carries at least {@code count} replies for the order. */
  private List<EventEnvelope> awaitReplies(String order, int count) {
    return TestKafka.readUntil(
            InventoryEvents.TOPIC,
            records -> records.stream().filter(r -> order.equals(r.key())).count() >= count,
            WAIT)
        .stream()
        .filter(r -> order.equals(r.key()))
        .map(r -> codec.decode(r.value()))
        .toList();
  }

  /** Every reply the service decided to send for the order, published or not, in order. */
  private List<String> repliesDecided(String order) {
    return jdbc.sql("SELECT event_type FROM bulwark.outbox WHERE message_key = ? ORDER BY id")
        .param(order)
        .query(String.class)
        .list();
  }
}
