package io.bulwark.order.ordering;

import io.bulwark.order.ordering.OrderEvents.OrderCancelled;
import io.bulwark.order.ordering.OrderEvents.OrderConfirmed;
import io.bulwark.order.ordering.OrderEvents.OrderPlaced;
import io.bulwark.order.ordering.OrderEvents.OrderRejected;
import io.bulwark.reliability.event.PublishedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An order and its place in the saga. It changes only through its own methods, each of which checks
 * the current status first and raises the event that tells the rest of the platform.
 *
 * <p>Replies of the inventory that arrive after the order left {@code PENDING} (say, a reservation
 * for an order the customer cancelled meanwhile) change nothing here: the cancellation already
 * asked the inventory to release.
 */
final class Order {

  private final UUID id;
  private final String customerId;
  private final List<OrderLine> items;
  private final Instant createdAt;
  private OrderStatus status;
  private @Nullable String rejectionReason;
  private Instant updatedAt;
  private final List<PublishedEvent> events = new ArrayList<>();

  private Order(
      UUID id,
      String customerId,
      List<OrderLine> items,
      OrderStatus status,
      @Nullable String rejectionReason,
      Instant createdAt,
      Instant updatedAt) {
    this.id = Objects.requireNonNull(id);
    this.customerId = Objects.requireNonNull(customerId);
    this.items = List.copyOf(items);
    this.status = Objects.requireNonNull(status);
    this.rejectionReason = rejectionReason;
    this.createdAt = Objects.requireNonNull(createdAt);
    this.updatedAt = updatedAt;
  }

  static Order place(String customerId, List<OrderLine> items, Instant now) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("an order needs at least one item");
    }
    Order order =
        new Order(UUID.randomUUID(), customerId, items, OrderStatus.PENDING, null, now, now);
    order.events.add(new OrderPlaced(order.id.toString(), customerId, order.items));
    return order;
  }

  static Order restore(
      UUID id,
      String customerId,
      List<OrderLine> items,
      OrderStatus status,
      @Nullable String rejectionReason,
      Instant createdAt,
      Instant updatedAt) {
    return new Order(id, customerId, items, status, rejectionReason, createdAt, updatedAt);
  }

  /** The inventory reserved every line. Returns whether anything changed. */
  boolean confirm(Instant now) {
    if (status != OrderStatus.PENDING) {
      return false;
    }
    status = OrderStatus.CONFIRMED;
    updatedAt = now;
    events.add(new OrderConfirmed(id.toString()));
    return true;
  }

  /** The inventory reserved nothing. Returns whether anything changed. */
  boolean reject(String reason, Instant now) {
    if (status != OrderStatus.PENDING) {
      return false;
    }
    status = OrderStatus.REJECTED;
    rejectionReason = reason;
    updatedAt = now;
    events.add(new OrderRejected(id.toString(), reason));
    return true;
  }

  /**
   * Cancels a pending or confirmed order; cancelling a cancelled order changes nothing. Returns
   * whether anything changed.
   */
  boolean cancel(Instant now) {
    switch (status) {
      case CANCELLED -> {
        return false;
      }
      case REJECTED -> throw new OrderNotCancellableException(this);
      default -> {
        OrderStatus previous = status;
        status = OrderStatus.CANCELLED;
        updatedAt = now;
        events.add(new OrderCancelled(id.toString(), previous));
        return true;
      }
    }
  }

  List<PublishedEvent> pullEvents() {
    List<PublishedEvent> pulled = List.copyOf(events);
    events.clear();
    return pulled;
  }

  UUID id() {
    return id;
  }

  String customerId() {
    return customerId;
  }

  List<OrderLine> items() {
    return items;
  }

  OrderStatus status() {
    return status;
  }

  @Nullable String rejectionReason() {
    return rejectionReason;
  }

  Instant createdAt() {
    return createdAt;
  }

  Instant updatedAt() {
    return updatedAt;
  }
}
