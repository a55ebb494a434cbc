package io.bulwark.inventory.reservation;

import java.util.List;

/**
 * The events inventory-service publishes on {@value #TOPIC}, keyed by order id, schema version 1:
 * the saga's replies to order-service.
 */
public final class InventoryEvents {

  public static final String TOPIC = "bulwark.inventory.events";
  static final String AGGREGATE = "Reservation";

  private InventoryEvents() {}

  /** All lines of the order are reserved. */
  public record StockReserved(String orderId, List<Line> items) {}

  /** Nothing was reserved, for the given reason. */
  public record StockRejected(String orderId, String reason) {}

  /** A reservation was given back after the order was cancelled. */
  public record StockReleased(String orderId, List<Line> items) {}

  public record Line(String sku, int quantity) {}
}
