package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import io.bulwark.reliability.inbox.Inbox;
import io.bulwark.reliability.inbox.PostgresInbox;
import io.bulwark.reliability.inbox.TransactionRunner;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox on the service's data source, and {@link IdempotentConsumers} to build consumers that
 * apply each message once, in the transaction of the service's transaction manager.
 */
@AutoConfiguration(
    after = {
      OutboxAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class,
      TransactionAutoConfiguration.class
    })
@ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
@EnableConfigurationProperties(InboxProperties.class)
public class InboxAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Inbox inbox(
      DataSource dataSource, OutboxAutoConfiguration.ReliabilitySchemaMigration schemaReady) {
    return new PostgresInbox(new TransactionAwareDataSourceProxy(dataSource));
  }

  @Bean
  @ConditionalOnMissingBean
  TransactionRunner transactionRunner(PlatformTransactionManager transactionManager) {
    TransactionTemplate template = new TransactionTemplate(transactionManager);
    return work -> template.executeWithoutResult(status -> work.run());
  }

  @Bean
  IdempotentConsumers idempotentConsumers(
      Inbox inbox, EventCodec codec, TransactionRunner transactions) {
    return new IdempotentConsumers(inbox, codec, transactions);
  }

  @Bean
  InboxPurge inboxPurge(Inbox inbox, InboxProperties properties) {
    return new InboxPurge(inbox, properties);
  }

  /** Purges processed-message records older than the deduplication window. */
  static final class InboxPurge implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(InboxPurge.class);
    private final Inbox inbox;
    private final InboxProperties properties;
    private ScheduledExecutorService scheduler;

    InboxPurge(Inbox inbox, InboxProperties properties) {
      this.inbox = inbox;
      this.properties = properties;
    }

    @Override
    public synchronized void start() {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "inbox-purge");
                thread.setDaemon(true);
                return thread;
              });
      long period = properties.purgeInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::purge, period, period, TimeUnit.MILLISECONDS);
    }

    private void purge() {
      try {
        int purged = inbox.purgeProcessedBefore(Instant.now().minus(properties.retention()));
        if (purged > 0) {
          log.debug("purged {} inbox records", purged);
        }
      } catch (RuntimeException e) {
        log.warn("inbox purge failed: {}", e.toString());
      }
    }

    @Override
    public synchronized void stop() {
      if (scheduler != null) {
        scheduler.shutdownNow();
        scheduler = null;
      }
    }

    @Override
    public synchronized boolean isRunning() {
      return scheduler != null;
    }
  }
}
