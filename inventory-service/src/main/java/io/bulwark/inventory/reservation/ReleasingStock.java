package io.bulwark.inventory.reservation;

import io.bulwark.inventory.reservation.OrderEvents.OrderCancelled;
import io.bulwark.inventory.reservation.OrderEvents.OrderRejected;
import io.bulwark.inventory.stock.StockItem;
import io.bulwark.inventory.stock.StockItems;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * On {@code OrderCancelled}, and on {@code OrderRejected} when order-service gave the order up at
 * its deadline: give the order's reserved stock back, once. One that arrives before any decision
 * records the order as released, so a late {@code OrderPlaced} reserves nothing. A rejection that
 * follows the inventory's own changes nothing.
 */
@Service
class ReleasingStock {

  private final Reservations reservations;
  private final StockItems stock;

  ReleasingStock(Reservations reservations, StockItems stock) {
    this.reservations = reservations;
    this.stock = stock;
  }

  void on(OrderCancelled cancelled) {
    release(cancelled.orderId(), "cancelled");
  }

  void on(OrderRejected rejected) {
    release(rejected.orderId(), "order rejected: " + rejected.reason());
  }

  private void release(String orderId, String reason) {
    Optional<Reservation> existing = reservations.lock(orderId);
    if (existing.isEmpty()) {
      reservations.insert(Reservation.releasedBeforeDecision(orderId, reason));
      return;
    }
    Reservation reservation = existing.get();
    if (reservation.status() != Reservation.Status.RESERVED) {
      return;
    }
    Map<String, StockItem> items = stock.lockAll(reservation.skus());
    reservation.release(items, reason);
    reservation.skus().forEach(sku -> stock.save(Reservation.locked(items, sku)));
    reservations.update(reservation);
  }
}
