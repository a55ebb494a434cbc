package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.outbox.OutboxRelay;
import io.bulwark.reliability.outbox.OutboxStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * {@code bulwark.outbox.backlog} (unpublished events) and {@code bulwark.outbox.oldest.age}
 * (seconds since the oldest unpublished event was committed; 0 when none): the two figures that say
 * whether the relay keeps up. Both come from one query, reused for a second, so a scrape reads the
 * outbox once; while the database cannot be reached both are NaN. And {@code
 * bulwark.outbox.failing.shards}: the shards this process's relay could not publish from, waiting
 * to be tried again.
 */
@AutoConfiguration(after = OutboxAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(OutboxStore.class)
public class OutboxMetricsAutoConfiguration {

  @Bean
  MeterBinder outboxMetrics(DataSource dataSource, OutboxStore store, Clock clock) {
    BacklogProbe probe = new BacklogProbe(dataSource, store, clock);
    return registry -> {
      Gauge.builder("bulwark.outbox.backlog", probe, BacklogProbe::size)
          .description("outbox events committed but not yet published")
          .register(registry);
      Gauge.builder("bulwark.outbox.oldest.age", probe, BacklogProbe::oldestAgeSeconds)
          .baseUnit("seconds")
          .description("age of the oldest unpublished outbox event")
          .register(registry);
    };
  }

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  MeterBinder failingShardMetrics(OutboxRelay relay) {
    return registry ->
        Gauge.builder("bulwark.outbox.failing.shards", relay, r -> r.failingShards().size())
            .description("outbox shards that failed to publish and wait to be tried again")
            .register(registry);
  }

  /** The outbox backlog, read at most once a second. */
  static final class BacklogProbe {
    private static final Duration FRESH = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final OutboxStore store;
    private final Clock clock;
    private Instant readAt = Instant.MIN;
    private OutboxStore.@Nullable Backlog backlog;

    BacklogProbe(DataSource dataSource, OutboxStore store, Clock clock) {
      this.dataSource = dataSource;
      this.store = store;
      this.clock = clock;
    }

    double size() {
      OutboxStore.Backlog current = current();
      return current == null ? Double.NaN : current.size();
    }

    double oldestAgeSeconds() {
      OutboxStore.Backlog current = current();
      if (current == null) {
        return Double.NaN;
      }
      Instant oldest = current.oldest();
      return oldest == null ? 0.0 : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
    }

    /** The backlog, or null while the database cannot be reached. */
    private synchronized OutboxStore.@Nullable Backlog current() {
      Instant now = clock.instant();
      if (now.isAfter(readAt.plus(FRESH))) {
        readAt = now;
        try (Connection connection = dataSource.getConnection()) {
          backlog = store.backlog(connection);
        } catch (SQLException e) {
          backlog = null;
        }
      }
      return backlog;
    }
  }
}
