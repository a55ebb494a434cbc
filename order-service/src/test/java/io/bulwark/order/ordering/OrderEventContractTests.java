package io.bulwark.order.ordering;

import static io.bulwark.fixtures.contract.EventContracts.example;
import static io.bulwark.fixtures.contract.EventContracts.shapeDifferences;
import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.event.EventType;
import io.bulwark.reliability.event.PublishedEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What order-service publishes and reads matches the shared examples in contracts/events. */
class OrderEventContractTests {

  private final EventCodec codec = new EventCodec();
  private final String id = UUID.randomUUID().toString();

  @Test
  void publishedOrderPlacedHasTheContractShape() {
    assertShape(
        "OrderPlaced", new OrderEvents.OrderPlaced(id, "c-1", List.of(new OrderLine("SKU-1", 1))));
  }

  @Test
  void publishedOrderConfirmedRejectedAndCancelledHaveTheContractShape() {
    assertShape("OrderConfirmed", new OrderEvents.OrderConfirmed(id));
    assertShape("OrderRejected", new OrderEvents.OrderRejected(id, "no stock"));
    assertShape("OrderCancelled", new OrderEvents.OrderCancelled(id, OrderStatus.PENDING));
  }

  @Test
  void everyPublishedEventDeclaresTheWireTypeOfItsContractOnTheOrderTopic() {
    List<PublishedEvent> events =
        List.of(
            new OrderEvents.OrderPlaced(id, "c-1", List.of(new OrderLine("SKU-1", 1))),
            new OrderEvents.OrderConfirmed(id),
            new OrderEvents.OrderRejected(id, "no stock"),
            new OrderEvents.OrderCancelled(id, OrderStatus.CONFIRMED));

    assertThat(events)
        .extracting(e -> e.eventType().name())
        .containsExactly("OrderPlaced", "OrderConfirmed", "OrderRejected", "OrderCancelled");
    for (PublishedEvent event : events) {
      EventType type = event.eventType();
      assertThat(type.topic()).isEqualTo(OrderEvents.TOPIC);
      assertThat(type.aggregateType()).isEqualTo("Order");
      assertThat(shapeDifferences(example(type.name(), type.version()), codec.toPayload(event)))
          .as(type.toString())
          .isEmpty();
    }
  }

  @Test
  void theInventoryRepliesAreReadFromTheirContractExamples() {
    InventoryEventsListener.StockReserved reserved =
        codec.fromPayload(envelope("StockReserved"), InventoryEventsListener.StockReserved.class);
    InventoryEventsListener.StockRejected rejected =
        codec.fromPayload(envelope("StockRejected"), InventoryEventsListener.StockRejected.class);

    assertThat(reserved.orderId()).isEqualTo("5b0e8f8a-2f0c-4a57-9d0b-3c1f2f1b9a10");
    assertThat(rejected.reason()).isEqualTo("unknown SKU SKU-9");
  }

  private void assertShape(String type, Object event) {
    assertThat(shapeDifferences(example(type, 1), codec.toPayload(event))).as(type).isEmpty();
  }

  private EventEnvelope envelope(String type) {
    return new EventEnvelope(
        UUID.randomUUID(), type, 1, "Reservation", id, Instant.now(), example(type, 1));
  }
}
