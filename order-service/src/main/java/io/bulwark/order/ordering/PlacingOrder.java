package io.bulwark.order.ordering;

import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores a new order and its {@code OrderPlaced} event in one transaction. */
@Service
class PlacingOrder {

  private final Orders orders;
  private final Clock clock;

  PlacingOrder(Orders orders, Clock clock) {
    this.orders = orders;
    this.clock = clock;
  }

  @Transactional
  Order place(String customerId, List<OrderLine> items) {
    Order order = Order.place(customerId, items, clock.instant());
    orders.insert(order);
    return order;
  }
}
