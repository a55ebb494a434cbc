package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.autoconfigure.InboxAutoConfiguration;
import io.bulwark.reliability.autoconfigure.OutboxAutoConfiguration;
import io.bulwark.reliability.autoconfigure.PeriodicTask;
import io.bulwark.reliability.idempotency.IdempotencyKeyStore;
import io.bulwark.reliability.idempotency.IdempotencyKeys;
import io.bulwark.reliability.idempotency.PostgresIdempotencyKeyStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * HTTP {@code Idempotency-Key} handling for the endpoints listed in {@code
 * bulwark.idempotency.endpoints}, with keys stored in the service's database.
 */
@AutoConfiguration(after = {OutboxAutoConfiguration.class, InboxAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IdempotencyKeyStore idempotencyKeyStore(
      DataSource dataSource, OutboxAutoConfiguration.ReliabilitySchemaMigration schemaReady) {
    return new PostgresIdempotencyKeyStore(new TransactionAwareDataSourceProxy(dataSource));
  }

  @Bean
  @ConditionalOnMissingBean
  IdempotencyKeys idempotencyKeys(IdempotencyKeyStore store, IdempotencyProperties properties) {
    return new IdempotencyKeys(
        store, properties.timeToLive(), properties.maxKeyLength(), Clock.systemUTC());
  }

  @Bean
  FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(
      IdempotencyKeys keys,
      PlatformTransactionManager transactionManager,
      IdempotencyProperties properties) {
    FilterRegistrationBean<IdempotencyKeyFilter> registration =
        new FilterRegistrationBean<>(
            new IdempotencyKeyFilter(
                keys, new TransactionTemplate(transactionManager), properties));
    registration.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
    registration.setEnabled(!properties.endpoints().isEmpty());
    return registration;
  }

  /** Deletes keys past their time to live. */
  @Bean
  PeriodicTask idempotencyKeyPurge(IdempotencyKeys keys, IdempotencyProperties properties) {
    return new PeriodicTask(
        "idempotency-key-purge", properties.purgeInterval(), keys::purgeExpired);
  }
}
