package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.autoconfigure.PeriodicTask;
import io.bulwark.reliability.autoconfigure.ReliabilityCoreAutoConfiguration;
import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration;
import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.idempotency.IdempotencyKeyStore;
import io.bulwark.reliability.idempotency.IdempotencyKeys;
import io.bulwark.reliability.idempotency.IdempotentRequests;
import io.bulwark.reliability.idempotency.PostgresIdempotencyKeyStore;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.transaction.Transactions;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * HTTP {@code Idempotency-Key} handling for the endpoints listed in {@code
 * bulwark.idempotency.endpoints}, with keys stored in the service's database. It needs a servlet
 * web application with a data source and a transaction manager, and nothing of Kafka. The settings
 * (the protocol's header names among them) are bound in every servlet application.
 */
@AutoConfiguration(
    after = {ReliabilityCoreAutoConfiguration.class, ReliabilitySchemaAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyAutoConfiguration {

  /** The keys, their protocol and the filter, on the service's database. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean({DataSource.class, Transactions.class})
  static class KeyedRequestsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IdempotencyKeyStore idempotencyKeyStore(
        DataSource dataSource, ReliabilitySchemaMigration schemaReady) {
      return new PostgresIdempotencyKeyStore(new TransactionAwareDataSourceProxy(dataSource));
    }

    @Bean
    @ConditionalOnMissingBean
    IdempotencyKeys idempotencyKeys(
        IdempotencyKeyStore store, IdempotencyProperties properties, Clock clock) {
      return new IdempotencyKeys(
          store,
          properties.timeToLive(),
          properties.maxKeyLength(),
          properties.purgeBatchSize(),
          clock);
    }

    @Bean
    @ConditionalOnMissingBean
    IdempotentRequests idempotentRequests(
        IdempotencyKeys keys, Transactions transactions, IdempotencyProperties properties) {
      return new IdempotentRequests(keys, transactions, properties.executionSettings());
    }

    @Bean
    FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(
        IdempotencyKeys keys, IdempotentRequests requests, IdempotencyProperties properties) {
      FilterRegistrationBean<IdempotencyKeyFilter> registration =
          new FilterRegistrationBean<>(new IdempotencyKeyFilter(keys, requests, properties));
      registration.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
      registration.setEnabled(!properties.endpoints().isEmpty());
      return registration;
    }

    /** Deletes keys past their time to live. */
    @Bean
    PeriodicTask idempotencyKeyPurge(
        IdempotencyKeys keys, IdempotencyProperties properties, Housekeeping housekeeping) {
      return new PeriodicTask(
          "idempotency-key-purge",
          properties.purgeInterval(),
          () -> housekeeping.record("idempotency-key-purge", keys.purgeExpired()));
    }
  }
}
