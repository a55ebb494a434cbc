package io.bulwark.inventory.reservation;

import io.bulwark.inventory.reservation.InventoryEvents.Line;
import io.bulwark.inventory.reservation.OrderEvents.OrderPlaced;
import io.bulwark.inventory.stock.StockItem;
import io.bulwark.inventory.stock.StockItems;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * On {@code OrderPlaced}: reserve all lines or none. Runs inside the consumer's transaction, with
 * the inbox row and the reply event. An order already decided (a second {@code OrderPlaced} for it,
 * or one cancelled first) is left as it is.
 */
@Service
class ReservingStock {

  private final Reservations reservations;
  private final StockItems stock;

  ReservingStock(Reservations reservations, StockItems stock) {
    this.reservations = reservations;
    this.stock = stock;
  }

  void on(OrderPlaced placed) {
    if (reservations.lock(placed.orderId()).isPresent()) {
      return;
    }
    List<Line> lines =
        placed.items() == null
            ? List.of()
            : placed.items().stream().map(l -> new Line(l.sku(), l.quantity())).toList();
    Map<String, StockItem> items = stock.lockAll(lines.stream().map(Line::sku).toList());
    Reservation reservation = Reservation.attempt(placed.orderId(), lines, items);
    if (reservation.status() == Reservation.Status.RESERVED) {
      reservation.skus().forEach(sku -> stock.save(Reservation.locked(items, sku)));
    }
    reservations.insert(reservation);
  }
}
