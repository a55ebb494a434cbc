package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.outbox.KafkaEventPublisher;
import io.bulwark.reliability.outbox.Outbox;
import io.bulwark.reliability.outbox.OutboxRelay;
import io.bulwark.reliability.outbox.OutboxStore;
import io.bulwark.reliability.outbox.PostgresNotificationWakeup;
import io.bulwark.reliability.outbox.PostgresOutbox;
import io.bulwark.reliability.outbox.PostgresOutboxStore;
import io.bulwark.reliability.tracing.EventTracing;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/** The outbox on the service's data source, and a relay to Kafka unless switched off. */
@AutoConfiguration(
    after = {
      ReliabilityCoreAutoConfiguration.class,
      ReliabilitySchemaAutoConfiguration.class,
      OperationsAutoConfiguration.class,
      DataSourceAutoConfiguration.class,
      KafkaAutoConfiguration.class
    })
@ConditionalOnClass({TransactionAwareDataSourceProxy.class, KafkaProperties.class})
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Outbox outbox(
      DataSource dataSource,
      EventCodec codec,
      OutboxProperties properties,
      Clock clock,
      EventTracing tracing,
      ReliabilitySchemaMigration schema) {
    return new PostgresOutbox(
        new TransactionAwareDataSourceProxy(dataSource),
        codec,
        properties.shards(),
        clock,
        tracing);
  }

  @Bean
  @ConditionalOnMissingBean
  OutboxStore outboxStore() {
    return new PostgresOutboxStore();
  }

  /** The relay: a bean for what reports on it; started and stopped by its lifecycle below. */
  @Bean(destroyMethod = "")
  @ConditionalOnProperty(
      name = "bulwark.outbox.relay.enabled",
      havingValue = "true",
      matchIfMissing = true)
  OutboxRelay outboxRelay(
      DataSource dataSource,
      OutboxStore store,
      OutboxProperties properties,
      KafkaProperties kafka,
      Clock clock,
      Housekeeping housekeeping,
      EventTracing tracing,
      ReliabilitySchemaMigration schema) {
    OutboxRelay relay =
        new OutboxRelay(
            dataSource,
            store,
            KafkaEventPublisher.create(
                kafka.buildProducerProperties(),
                properties.relay().publishTimeout(),
                tracing,
                clock),
            new PostgresNotificationWakeup(dataSource),
            properties.relaySettings(),
            clock);
    relay.onPurge(removed -> housekeeping.record("outbox-purge", removed));
    return relay;
  }

  @Bean
  @ConditionalOnBean(OutboxRelay.class)
  OutboxRelayLifecycle outboxRelayLifecycle(OutboxRelay relay) {
    return new OutboxRelayLifecycle(relay);
  }

  /**
   * Starts the relay with the application and stops it (and its producer) before the data source
   * closes.
   */
  static final class OutboxRelayLifecycle implements SmartLifecycle {
    private final OutboxRelay relay;

    OutboxRelayLifecycle(OutboxRelay relay) {
      this.relay = relay;
    }

    @Override
    public void start() {
      relay.start();
    }

    @Override
    public void stop() {
      relay.close();
    }

    @Override
    public boolean isRunning() {
      return relay.isRunning();
    }
  }
}
