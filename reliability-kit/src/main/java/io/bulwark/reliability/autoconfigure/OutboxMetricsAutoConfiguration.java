package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.outbox.OutboxStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * {@code bulwark.outbox.backlog} (unpublished events) and {@code bulwark.outbox.oldest.age}
 * (seconds since the oldest unpublished event was committed; 0 when none): the two figures that say
 * whether the relay keeps up.
 */
@AutoConfiguration(after = OutboxAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(OutboxStore.class)
public class OutboxMetricsAutoConfiguration {

  @Bean
  MeterBinder outboxMetrics(DataSource dataSource, OutboxStore store) {
    return registry -> {
      Gauge.builder(
              "bulwark.outbox.backlog",
              () -> {
                OutboxStore.Backlog backlog = backlog(dataSource, store);
                return backlog == null ? Double.NaN : backlog.size();
              })
          .description("outbox events committed but not yet published")
          .register(registry);
      Gauge.builder(
              "bulwark.outbox.oldest.age",
              () -> {
                OutboxStore.Backlog backlog = backlog(dataSource, store);
                if (backlog == null) {
                  return Double.NaN;
                }
                Instant oldest = backlog.oldest();
                return oldest == null
                    ? 0.0
                    : Duration.between(oldest, Instant.now()).toMillis() / 1000.0;
              })
          .baseUnit("seconds")
          .description("age of the oldest unpublished outbox event")
          .register(registry);
    };
  }

  /** The current backlog, or null while the database cannot be reached. */
  private static OutboxStore.Backlog backlog(DataSource dataSource, OutboxStore store) {
    try (Connection connection = dataSource.getConnection()) {
      return store.backlog(connection);
    } catch (SQLException e) {
      return null;
    }
  }
}
