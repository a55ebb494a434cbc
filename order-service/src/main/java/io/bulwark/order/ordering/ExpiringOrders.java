package io.bulwark.order.ordering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The saga's deadline: an order the inventory has not answered within {@link
 * SagaProperties#deadline()} is rejected, saying so, whatever failed on the way (the inventory
 * down, a reply dead-lettered, the broker away). The rejection's {@code OrderRejected} makes the
 * inventory give back a reservation it made, or refuse one it has yet to make, so stock stays
 * conserved; a reply that arrives afterwards changes nothing here.
 *
 * <p>Every instance checks; each takes the oldest pending orders with {@code SKIP LOCKED}, so two
 * instances never give up the same order, and an order that is concluding at that moment is left to
 * its reply.
 */
@Component
class ExpiringOrders {

  private static final Logger log = LoggerFactory.getLogger(ExpiringOrders.class);

  private final Orders orders;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final SagaProperties settings;
  private final SagaMetrics metrics;
  private final String reason;

  ExpiringOrders(
      Orders orders,
      TransactionTemplate transactions,
      Clock clock,
      SagaProperties settings,
      SagaMetrics metrics) {
    this.metrics = metrics;
    this.orders = orders;
    this.transactions = transactions;
    this.clock = clock;
    this.settings = settings;
    this.reason = "inventory did not answer within " + describe(settings.deadline());
  }

  /** Rejects every order past its deadline, a batch per transaction; returns how many. */
  int expireOverdue() {
    int expired = 0;
    int batch;
    do {
      batch = expireBatch();
      expired += batch;
    } while (batch == settings.batchSize());
    return expired;
  }

  private int expireBatch() {
    Integer expired =
        transactions.execute(
            status -> {
              Instant now = clock.instant();
              List<Order> overdue =
                  orders.lockPendingPlacedBefore(
                      now.minus(settings.deadline()), settings.batchSize());
              for (Order order : overdue) {
                if (order.reject(reason, now)) {
                  orders.update(order);
                  metrics.concluded(order, now);
                  log.warn("order {} rejected: {}", order.id(), reason);
                }
              }
              return overdue.size();
            });
    return expired == null ? 0 : expired;
  }

  /** {@code 30 s}, {@code 1.5 s}, {@code 2 min}: as a person says it. */
  static String describe(Duration duration) {
    if (duration.toMillis() % 60_000 == 0 && duration.toMinutes() > 0) {
      return duration.toMinutes() + " min";
    }
    if (duration.toMillis() % 1_000 == 0) {
      return duration.toSeconds() + " s";
    }
    return (duration.toMillis() / 1000.0) + " s";
  }
}
