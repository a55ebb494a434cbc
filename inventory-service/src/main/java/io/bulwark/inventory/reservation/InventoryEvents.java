package io.bulwark.inventory.reservation;

import io.bulwark.reliability.event.EventStream;
import io.bulwark.reliability.event.EventType;
import io.bulwark.reliability.event.PublishedEvent;
import java.util.List;

/**
 * The events inventory-service publishes on {@value #TOPIC}, keyed by order id, each with the wire
 * type and schema version it declares: the saga's replies to order-service.
 */
public final class InventoryEvents {

  public static final String TOPIC = "bulwark.inventory.events";

  /** A reservation's events, in the order they were raised. */
  static final EventStream STREAM = new EventStream(TOPIC, "Reservation");

  private InventoryEvents() {}

  /** All lines of the order are reserved. */
  public record StockReserved(String orderId, List<Line> items) implements PublishedEvent {
    static final EventType TYPE = STREAM.type("StockReserved", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  /** Nothing was reserved, for the given reason. */
  public record StockRejected(String orderId, String reason) implements PublishedEvent {
    static final EventType TYPE = STREAM.type("StockRejected", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  /** A reservation was given back after the order was cancelled. */
  public record StockReleased(String orderId, List<Line> items) implements PublishedEvent {
    static final EventType TYPE = STREAM.type("StockReleased", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  public record Line(String sku, int quantity) {}
}
