package io.bulwark.order.ordering;

import java.util.List;

/**
 * The events order-service publishes on {@value #TOPIC}, keyed by order id, schema version 1. This
 * is the published contract: consumers keep their own copies of these shapes.
 */
public final class OrderEvents {

  public static final String TOPIC = "bulwark.orders.events";
  static final String AGGREGATE = "Order";

  private OrderEvents() {}

  public record OrderPlaced(String orderId, String customerId, List<OrderLine> items) {}

  public record OrderConfirmed(String orderId) {}

  public record OrderRejected(String orderId, String reason) {}

  public record OrderCancelled(String orderId, OrderStatus previousStatus) {}
}
