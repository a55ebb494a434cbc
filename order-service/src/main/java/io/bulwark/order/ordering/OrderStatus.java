package io.bulwark.order.ordering;

/** Where an order stands in the saga. */
public enum OrderStatus {
  /** Placed; the inventory has not decided yet. */
  PENDING,
  /** All lines reserved. */
  CONFIRMED,
  /** Not enough stock, or an unknown SKU; nothing reserved. */
  REJECTED,
  /** Cancelled by the customer; any reservation is released. */
  CANCELLED
}
