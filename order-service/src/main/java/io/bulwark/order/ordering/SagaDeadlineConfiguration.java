package io.bulwark.order.ordering;

import io.bulwark.reliability.autoconfigure.PeriodicTask;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The saga's deadline, checked every {@code bulwark.saga.check-interval} while the service runs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SagaProperties.class)
class SagaDeadlineConfiguration {

  @Bean
  PeriodicTask sagaDeadline(ExpiringOrders expiring, SagaProperties settings) {
    return new PeriodicTask("saga-deadline", settings.checkInterval(), expiring::expireOverdue);
  }
}
