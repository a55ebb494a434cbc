package io.bulwark.order.ordering;

import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores a new order and its {@code OrderPlaced} event in one transaction. */
@Service
class PlacingOrder {

  private static final Logger log = LoggerFactory.getLogger(PlacingOrder.class);
  private final Orders orders;
  private final SkuCheck skus;
  private final Clock clock;

  PlacingOrder(Orders orders, SkuCheck skus, Clock clock) {
    this.orders = orders;
    this.skus = skus;
    this.clock = clock;
  }

  /**
   * Refuses SKUs the inventory does not know; if the inventory cannot tell, accepts the order and
   * lets the saga decide.
   */
  @Transactional
  Order place(String customerId, List<OrderLine> items) {
    SkuCheck.Verdict verdict =
        skus.verify(items.stream().map(OrderLine::sku).collect(Collectors.toSet()));
    if (!verdict.unknown().isEmpty()) {
      throw new UnknownSkusException(items, verdict.unknown());
    }
    Order order = Order.place(customerId, items, clock.instant());
    orders.insert(order);
    log.info("order {} placed, {} line(s)", order.id(), items.size());
    return order;
  }
}
