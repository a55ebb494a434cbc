package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.MicrometerEventTracing;
import io.bulwark.reliability.transaction.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

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

  /**
   * Events traced through the outbox and Kafka with the service's Micrometer tracer and propagator
   * where it has them, and timed where it has a meter registry.
   */
  @Bean
  @ConditionalOnMissingBean
  EventTracing eventTracing(ApplicationContext context) {
    EventTracing tracing = EventTracing.NONE;
    if (ClassUtils.isPresent(TRACER, context.getClassLoader())) {
      tracing = TracedEvents.tracing(context);
    }
    if (ClassUtils.isPresent(METER_REGISTRY, context.getClassLoader())) {
      tracing = TimedEvents.timed(tracing, context);
    }
    return tracing;
  }

  private static final String TRACER = "io.micrometer.tracing.Tracer";
  private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  /** Apart, so the class loads Micrometer Tracing's types only where they are present. */
  private static final class TracedEvents {
    static EventTracing tracing(ApplicationContext context) {
      Tracer tracer = context.getBeanProvider(Tracer.class).getIfAvailable();
      Propagator propagator = context.getBeanProvider(Propagator.class).getIfAvailable();
      return tracer == null || propagator == null
          ? EventTracing.NONE
          : new MicrometerEventTracing(tracer, propagator);
    }
  }

  /** Apart, so the class loads Micrometer's types only where they are present. */
  private static final class TimedEvents {
    static EventTracing timed(EventTracing tracing, ApplicationContext context) {
      MeterRegistry meters = context.getBeanProvider(MeterRegistry.class).getIfAvailable();
      return meters == null ? tracing : new MeteredEventTracing(tracing, meters);
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
