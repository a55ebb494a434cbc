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

  @Transactional
  Order cancel(UUID id) {
    Order order = orders.lock(id).orElseThrow(() -> new OrderNotFoundException(id));
    if (order.cancel(clock.instant())) {
      orders.update(order);
    }
    return order;
  }
}
