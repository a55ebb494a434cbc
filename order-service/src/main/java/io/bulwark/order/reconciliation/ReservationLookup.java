package io.bulwark.order.reconciliation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What inventory-service holds for orders: the other side of reconciliation. */
public interface ReservationLookup {

  /** A reservation's state: {@code RESERVED} (stock held), {@code REJECTED} or {@code RELEASED}. */
  record Reservation(String orderId, String status, Instant updatedAt) {}

  /** A page of held reservations and the order id to continue after. */
  record Page(List<Reservation> items, @Nullable String next) {}

  /**
   * The reservations of these orders (at most 100), by order id; an order without one is absent.
   */
  Map<String, Reservation> of(List<String> orderIds);

  /** Reservations still held, last changed in [from, to), after this order id. */
  Page held(Instant from, Instant to, String afterOrderId, int limit);
}
