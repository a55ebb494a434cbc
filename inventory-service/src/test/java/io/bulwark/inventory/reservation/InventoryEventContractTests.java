package io.bulwark.inventory.reservation;

import static io.bulwark.fixtures.contract.EventContracts.example;
import static io.bulwark.fixtures.contract.EventContracts.shapeDifferences;
import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.inventory.reservation.InventoryEvents.Line;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.event.EventType;
import io.bulwark.reliability.event.PublishedEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What inventory-service publishes and reads matches the shared examples in contracts/events. */
class InventoryEventContractTests {

  private final EventCodec codec = new EventCodec();
  private final String id = UUID.randomUUID().toString();

  @Test
  void publishedRepliesHaveTheContractShape() {
    List<Line> lines = List.of(new Line("SKU-1", 2));
    assertShape("StockReserved", new InventoryEvents.StockReserved(id, lines));
    assertShape("StockRejected", new InventoryEvents.StockRejected(id, "unknown SKU X"));
    assertShape("StockReleased", new InventoryEvents.StockReleased(id, lines));
  }

  @Test
  void everyPublishedReplyDeclaresTheWireTypeOfItsContractOnTheInventoryTopic() {
    List<InventoryEvents.Line> lines = List.of(new InventoryEvents.Line("SKU-1", 2));
    List<PublishedEvent> events =
        List.of(
            new InventoryEvents.StockReserved(id, lines),
            new InventoryEvents.StockRejected(id, "unknown SKU X"),
            new InventoryEvents.StockReleased(id, lines));

    assertThat(events)
        .extracting(e -> e.eventType().name())
        .containsExactly("StockReserved", "StockRejected", "StockReleased");
    for (PublishedEvent event : events) {
      EventType type = event.eventType();
      assertThat(type.topic()).isEqualTo(InventoryEvents.TOPIC);
      assertThat(type.aggregateType()).isEqualTo("Reservation");
      assertThat(shapeDifferences(example(type.name(), type.version()), codec.toPayload(event)))
          .as(type.toString())
          .isEmpty();
    }
  }

  @Test
  void orderEventsAreReadFromTheirContractExamples() {
    OrderEvents.OrderPlaced placed =
        codec.fromPayload(envelope("OrderPlaced"), OrderEvents.OrderPlaced.class);
    OrderEvents.OrderCancelled cancelled =
        codec.fromPayload(envelope("OrderCancelled"), OrderEvents.OrderCancelled.class);

    assertThat(placed.items()).containsExactly(new OrderEvents.OrderPlaced.Line("SKU-1", 2));
    assertThat(cancelled.orderId()).isEqualTo("5b0e8f8a-2f0c-4a57-9d0b-3c1f2f1b9a10");
  }

  private void assertShape(String type, Object event) {
    assertThat(shapeDifferences(example(type, 1), codec.toPayload(event))).as(type).isEmpty();
  }

  private EventEnvelope envelope(String type) {
    return new EventEnvelope(
        UUID.randomUUID(), type, 1, "Order", id, Instant.now(), example(type, 1));
  }
}
