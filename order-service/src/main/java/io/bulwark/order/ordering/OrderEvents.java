package io.bulwark.order.ordering;

import io.bulwark.reliability.event.EventStream;
import io.bulwark.reliability.event.EventType;
import io.bulwark.reliability.event.PublishedEvent;
import java.util.List;

/**
 * The events order-service publishes on {@value #TOPIC}, keyed by order id, each with the wire type
 * and schema version it declares. This is the published contract: consumers keep their own copies
 * of these shapes.
 */
public final class OrderEvents {

  public static final String TOPIC = "bulwark.orders.events";

  /** An order's events, in the order they were raised. */
  static final EventStream STREAM = new EventStream(TOPIC, "Order");

  private OrderEvents() {}

  /** An order the inventory is asked to reserve stock for. */
  public record OrderPlaced(String orderId, String customerId, List<OrderLine> items)
      implements PublishedEvent {
    static final EventType TYPE = STREAM.type("OrderPlaced", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  /** The inventory reserved every line. */
  public record OrderConfirmed(String orderId) implements PublishedEvent {
    static final EventType TYPE = STREAM.type("OrderConfirmed", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  /** The inventory reserved nothing, for the given reason. */
  public record OrderRejected(String orderId, String reason) implements PublishedEvent {
    static final EventType TYPE = STREAM.type("OrderRejected", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }

  /** The customer cancelled the order; its reservation, if any, is to be released. */
  public record OrderCancelled(String orderId, OrderStatus previousStatus)
      implements PublishedEvent {
    static final EventType TYPE = STREAM.type("OrderCancelled", 1);

    @Override
    public EventType eventType() {
      return TYPE;
    }
  }
}
