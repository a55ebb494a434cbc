package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.MicrometerEventTracing;
import io.bulwark.reliability.transaction.Transactions;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * What every part of the kit shares: the clock it reads time from, the event codec, the tracing of
 * events, and the one transaction port on the service's transaction manager. An application's own
 * {@link Clock} bean (a fixed one in a test) replaces the system's UTC clock in every part of the
 * kit.
 */
@AutoConfiguration(
    after = {
      DataSourceTransactionManagerAutoConfiguration.class,
      TransactionAutoConfiguration.class
    })
public class ReliabilityCoreAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  @ConditionalOnMissingBean
  EventCodec eventCodec() {
    return new EventCodec();
  }

  /** Events untraced where the service has no tracer (see {@link TracedEvents}). */
  @Bean
  @ConditionalOnMissingBean
  EventTracing eventTracing() {
    return EventTracing.NONE;
  }

  /**
   * Events traced through the outbox and Kafka with the service's Micrometer tracer and propagator,
   * where it has them.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Tracer.class)
  static class TracedEvents {

    @Bean
    @ConditionalOnMissingBean
    EventTracing eventTracing(
        ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
      Tracer spans = tracer.getIfAvailable();
      Propagator headers = propagator.getIfAvailable();
      return spans == null || headers == null
          ? EventTracing.NONE
          : new MicrometerEventTracing(spans, headers);
    }
  }

  /** Present wherever the service has a transaction manager. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(PlatformTransactionManager.class)
  static class TransactionsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Transactions transactions(PlatformTransactionManager transactionManager) {
      return new SpringTransactions(transactionManager);
    }
  }
}
