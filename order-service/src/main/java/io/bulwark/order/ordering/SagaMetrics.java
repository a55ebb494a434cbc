package io.bulwark.order.ordering;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code bulwark.saga.duration}: from an order's placing to its saga's conclusion, by outcome
 * ({@code CONFIRMED}, {@code REJECTED}; a rejection by the deadline among them), as a histogram so
 * percentiles can be taken across instances. Recorded once the conclusion commits: a transaction
 * rolled back and retried counts once.
 */
@Component
class SagaMetrics {

  private final MeterRegistry meters;

  SagaMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** The order's saga concluded in the current transaction, at {@code now}. */
  void concluded(Order order, Instant now) {
    Duration took = Duration.between(order.createdAt(), now);
    Timer timer =
        Timer.builder("bulwark.saga.duration")
            .description("time from an order's placing to its saga's conclusion")
            .tag("outcome", order.status().name())
            .publishPercentileHistogram()
            .register(meters);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              timer.record(took);
            }
          });
    } else {
      timer.record(took);
    }
  }
}
