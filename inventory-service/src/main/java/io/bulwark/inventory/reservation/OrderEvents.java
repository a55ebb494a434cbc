package io.bulwark.inventory.reservation;

import java.util.List;

/**
 * This consumer's reading of the events order-service publishes on {@value #TOPIC}, schema version
 * 1. They mirror the published JSON schema; nothing of order-service's code is shared.
 */
final class OrderEvents {

  static final String TOPIC = "bulwark.orders.events";

  private OrderEvents() {}

  /** {@code OrderPlaced} v1. */
  record OrderPlaced(String orderId, String customerId, List<Line> items) {
    record Line(String sku, int quantity) {}
  }

  /** {@code OrderCancelled} v1. */
  record OrderCancelled(String orderId) {}

  /**
   * {@code OrderRejected} v1: after the inventory's own rejection, or when order-service gave the
   * order up at its deadline, perhaps before the inventory had decided.
   */
  record OrderRejected(String orderId, String reason) {}
}
