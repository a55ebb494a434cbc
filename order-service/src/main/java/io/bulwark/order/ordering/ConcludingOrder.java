package io.bulwark.order.ordering;

import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The saga's last step: the inventory's reply confirms or rejects the order. Runs inside the
 * consumer's transaction, with the inbox row.
 */
@Service
class ConcludingOrder {

  private static final Logger log = LoggerFactory.getLogger(ConcludingOrder.class);

  private final Orders orders;
  private final Clock clock;
  private final SagaMetrics metrics;

  ConcludingOrder(Orders orders, Clock clock, SagaMetrics metrics) {
    this.orders = orders;
    this.clock = clock;
    this.metrics = metrics;
  }

  void stockReserved(String orderId) {
    withOrder(orderId, order -> order.confirm(clock.instant()));
  }

  void stockRejected(String orderId, String reason) {
    withOrder(orderId, order -> order.reject(reason, clock.instant()));
  }

  private void withOrder(String orderId, java.util.function.Predicate<Order> change) {
    UUID id;
    try {
      id = UUID.fromString(orderId);
    } catch (IllegalArgumentException e) {
      throw new io.bulwark.reliability.event.MalformedEventException("not an order id: " + orderId);
    }
    // a reply is sent only for an order committed here, so one for an unknown order can never
    // apply: retrying it would only hold up the replies behind it
    Order order =
        orders
            .lock(id)
            .orElseThrow(
                () ->
                    new io.bulwark.reliability.event.MalformedEventException(
                        "reply for unknown order " + orderId));
    if (change.test(order)) {
      orders.update(order);
      metrics.concluded(order, order.updatedAt());
    } else {
      log.info("order {} is {}, reply ignored", orderId, order.status());
    }
  }
}
