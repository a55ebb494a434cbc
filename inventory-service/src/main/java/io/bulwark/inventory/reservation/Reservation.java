package io.bulwark.inventory.reservation;

import io.bulwark.inventory.reservation.InventoryEvents.Line;
import io.bulwark.inventory.reservation.InventoryEvents.StockRejected;
import io.bulwark.inventory.reservation.InventoryEvents.StockReleased;
import io.bulwark.inventory.reservation.InventoryEvents.StockReserved;
import io.bulwark.inventory.stock.StockItem;
import io.bulwark.reliability.event.PublishedEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The inventory's decision for one order: all its lines reserved, or none (rejected with a reason),
 * and later perhaps released. Each state change raises the event that tells order-service.
 */
final class Reservation {

  enum Status {
    RESERVED,
    REJECTED,
    RELEASED
  }

  private final String orderId;
  private final List<Line> lines;
  private Status status;
  private @Nullable String reason;
  private final List<PublishedEvent> events = new ArrayList<>();

  private Reservation(String orderId, List<Line> lines, Status status, @Nullable String reason) {
    this.orderId = orderId;
    this.lines = List.copyOf(lines);
    this.status = status;
    this.reason = reason;
  }

  static Reservation restore(
      String orderId, List<Line> lines, Status status, @Nullable String reason) {
    return new Reservation(orderId, lines, status, reason);
  }

  /** Reserves every line from the locked stock, or nothing. Lines for the same SKU are added up. */
  static Reservation attempt(String orderId, List<Line> requested, Map<String, StockItem> stock) {
    Map<String, Integer> bySku = new TreeMap<>();
    for (Line line : requested) {
      bySku.merge(line.sku(), line.quantity(), Integer::sum);
    }
    List<Line> lines = new ArrayList<>();
    bySku.forEach((sku, quantity) -> lines.add(new Line(sku, quantity)));

    String refusal = refusal(lines, stock);
    if (refusal != null) {
      Reservation rejected = new Reservation(orderId, List.of(), Status.REJECTED, refusal);
      rejected.events.add(new StockRejected(orderId, refusal));
      return rejected;
    }
    lines.forEach(line -> locked(stock, line.sku()).reserve(line.quantity()));
    Reservation reserved = new Reservation(orderId, lines, Status.RESERVED, null);
    reserved.events.add(new StockReserved(orderId, lines));
    return reserved;
  }

  /** An order given up before any decision: nothing is reserved for it, ever. */
  static Reservation releasedBeforeDecision(String orderId, String reason) {
    Reservation released = new Reservation(orderId, List.of(), Status.RELEASED, reason);
    released.events.add(new StockReleased(orderId, List.of()));
    return released;
  }

  private static @Nullable String refusal(List<Line> lines, Map<String, StockItem> stock) {
    if (lines.isEmpty()) {
      return "order has no items";
    }
    for (Line line : lines) {
      StockItem item = stock.get(line.sku());
      if (item == null) {
        return "unknown SKU " + line.sku();
      }
      if (line.quantity() <= 0) {
        return "invalid quantity " + line.quantity() + " for " + line.sku();
      }
      if (!item.canReserve(line.quantity())) {
        return "insufficient stock for "
            + line.sku()
            + ": requested "
            + line.quantity()
            + ", available "
            + item.available();
      }
    }
    return null;
  }

  /** The locked stock item of a SKU this reservation holds: always among the locked ones. */
  static StockItem locked(Map<String, StockItem> stock, String sku) {
    StockItem item = stock.get(sku);
    if (item == null) {
      throw new IllegalStateException("stock of " + sku + " is not locked");
    }
    return item;
  }

  /**
   * Gives reserved stock back, saying why; a rejected or already released reservation stays as it
   * is.
   */
  void release(Map<String, StockItem> stock, String why) {
    if (status != Status.RESERVED) {
      return;
    }
    lines.forEach(line -> locked(stock, line.sku()).release(line.quantity()));
    status = Status.RELEASED;
    reason = why;
    events.add(new StockReleased(orderId, lines));
  }

  List<PublishedEvent> pullEvents() {
    List<PublishedEvent> pulled = List.copyOf(events);
    events.clear();
    return pulled;
  }

  String orderId() {
    return orderId;
  }

  List<Line> lines() {
    return Collections.unmodifiableList(lines);
  }

  Status status() {
    return status;
  }

  @Nullable String reason() {
    return reason;
  }

  List<String> skus() {
    return lines.stream().map(Line::sku).toList();
  }
}
