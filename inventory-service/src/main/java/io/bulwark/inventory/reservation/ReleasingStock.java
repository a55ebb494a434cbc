package io.bulwark.inventory.reservation;

import io.bulwark.inventory.reservation.OrderEvents.OrderCancelled;
import io.bulwark.inventory.stock.StockItem;
import io.bulwark.inventory.stock.StockItems;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * On {@code OrderCancelled}: give the order's reserved stock back, once. A cancellation that
 * arrives before any decision records the order as released, so a late {@code OrderPlaced} reserves
 * nothing.
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
    Optional<Reservation> existing = reservations.lock(cancelled.orderId());
    if (existing.isEmpty()) {
      reservations.insert(Reservation.releasedBeforeDecision(cancelled.orderId()));
      return;
    }
    Reservation reservation = existing.get();
    if (reservation.status() != Reservation.Status.RESERVED) {
      return;
    }
    Map<String, StockItem> items = stock.lockAll(reservation.skus());
    reservation.release(items);
    reservation.skus().forEach(sku -> stock.save(Reservation.locked(items, sku)));
    reservations.update(reservation);
  }
}
