package io.bulwark.order.ordering;

import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Cancels an order; its {@code OrderCancelled} event makes the inventory release the stock. */
@Service
class CancellingOrder {

  private final Orders orders;
  private final Clock clock;

  CancellingOrder(Orders orders, Clock clock) {
    this.orders = orders;
    this.clock = clock;
  }

  /** Cancels the caller's order; another customer's order is, to this caller, not there. */
  @Transactional
  Order cancel(UUID id, Caller caller) {
    Order order =
        orders.lock(id).filter(caller::maySee).orElseThrow(() -> new OrderNotFoundException(id));
    if (order.cancel(clock.instant())) {
      orders.update(order);
    }
    return order;
  }
}
