package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.autoconfigure.PeriodicTask;
import io.bulwark.reliability.autoconfigure.ReliabilityCoreAutoConfiguration;
import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration;
import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.idempotency.IdempotencyKeyStore;
import io.bulwark.reliability.idempotency.IdempotencyKeys;
import io.bulwark.reliability.idempotency.IdempotentRequests;
import io.bulwark.reliability.idempotency.KeyTransactions;
import io.bulwark.reliability.idempotency.PostgresIdempotencyKeyStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * HTTP {@code Idempotency-Key} handling for the endpoints listed in {@code
 * bulwark.idempotency.endpoints}, with keys stored in the service's database. It needs a servlet
 * web application with a data source and a transaction manager, and nothing of Kafka. The settings
 * (the protocol's header names among them) are bound in every servlet application.
 */
@AutoConfiguration(
    after = {
      ReliabilityCoreAutoConfiguration.class,
      ReliabilitySchemaAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class,
      TransactionAutoConfiguration.class
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyAutoConfiguration {

  /** The keys, their protocol and the filter, on the service's database. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
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
        IdempotencyKeys keys,
        PlatformTransactionManager transactionManager,
        IdempotencyProperties properties) {
      return new IdempotentRequests(
          keys, keyTransactions(transactionManager), properties.executionSettings());
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
    PeriodicTask idempotencyKeyPurge(IdempotencyKeys keys, IdempotencyProperties properties) {
      return new PeriodicTask(
          "idempotency-key-purge", properties.purgeInterval(), keys::purgeExpired);
    }

    /** The protocol's transaction port on Spring's transaction manager. */
    private static KeyTransactions keyTransactions(PlatformTransactionManager transactionManager) {
      TransactionTemplate template = new TransactionTemplate(transactionManager);
      return work -> {
        try {
          template.executeWithoutResult(
              status ->
                  work.run(
                      new KeyTransactions.Transaction() {
                        @Override
                        public boolean isRollbackOnly() {
                          return status.isRollbackOnly();
                        }

                        @Override
                        public void setRollbackOnly() {
                          status.setRollbackOnly();
                        }
                      }));
        } catch (TransactionException e) {
          throw new KeyTransactions.TransactionFailedException(e);
        }
      };
    }
  }
}
