package io.bulwark.order.reconciliation;

import io.bulwark.reliability.autoconfigure.PeriodicTask;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic check, every {@code bulwark.reconciliation.interval}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconciliationProperties.class)
class ReconciliationConfiguration {

  @Bean
  PeriodicTask reconciliation(Reconciler reconciler, ReconciliationProperties settings) {
    return new PeriodicTask(
        "reconciliation", settings.interval(), () -> reconciler.run("periodic", null));
  }
}
