package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import io.bulwark.reliability.inbox.Inbox;
import io.bulwark.reliability.inbox.PostgresInbox;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.transaction.Transactions;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The inbox on the service's data source, and {@link IdempotentConsumers} to build consumers that
 * apply each message once, in the transaction of the service's transaction manager.
 */
@AutoConfiguration(
    after = {
      ReliabilityCoreAutoConfiguration.class,
      ReliabilitySchemaAutoConfiguration.class,
      OperationsAutoConfiguration.class
    })
@ConditionalOnBean({DataSource.class, Transactions.class})
@EnableConfigurationProperties(InboxProperties.class)
public class InboxAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Inbox inbox(DataSource dataSource, ReliabilitySchemaMigration schemaReady) {
    return new PostgresInbox(new TransactionAwareDataSourceProxy(dataSource));
  }

  @Bean
  IdempotentConsumers idempotentConsumers(
      Inbox inbox, EventCodec codec, Transactions transactions, EventTracing tracing) {
    return new IdempotentConsumers(inbox, codec, transactions, tracing);
  }

  /** Purges processed-message records older than the deduplication window. */
  @Bean
  PeriodicTask inboxPurge(
      Inbox inbox, InboxProperties properties, Clock clock, Housekeeping housekeeping) {
    return new PeriodicTask(
        "inbox-purge",
        properties.purgeInterval(),
        () ->
            housekeeping.record(
                "inbox-purge",
                inbox.purgeProcessedBefore(clock.instant().minus(properties.retention()))));
  }
}
