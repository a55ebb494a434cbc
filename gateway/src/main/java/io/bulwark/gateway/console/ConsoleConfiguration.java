package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.edge.RateLimiterView;
import io.bulwark.reliability.autoconfigure.idempotency.IdempotencyProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's live pages: one sampler per page kind (health, flow) for every open page, their
 * cost as metrics, and the record of the order requests this gateway answers.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

  @Bean
  Actuators consoleActuators(GatewayProperties properties, JsonMapper json) {
    return new Actuators(json, properties.console().timeout());
  }

  @Bean
  WatchedInstances watchedInstances(GatewayProperties properties) {
    return new WatchedInstances(properties.console(), InetAddress::getAllByName);
  }

  @Bean(destroyMethod = "close")
  PlatformWatch<HealthSampler.Sample> healthWatch(
      GatewayProperties properties,
      WatchedInstances instances,
      CircuitBreakerRegistry breakers,
      RateLimiterView rateLimiter,
      Actuators actuators,
      MeterRegistry meters) {
    GatewayProperties.Console console = properties.console();
    return metered(
        new PlatformWatch<>(
            new HealthSampler(
                console, instances, breakers, rateLimiter, actuators, Clock.systemUTC()),
            console.sampleInterval()),
        "health",
        meters);
  }

  @Bean
  OrderTraffic orderTraffic() {
    return new OrderTraffic(System::currentTimeMillis);
  }

  /** Before everything but the canonical path: the edge's own refusals are answers too. */
  @Bean
  FilterRegistrationBean<OrderTrafficFilter> orderTrafficFilter(
      OrderTraffic traffic, IdempotencyProperties protocol) {
    FilterRegistrationBean<OrderTrafficFilter> registration =
        new FilterRegistrationBean<>(new OrderTrafficFilter(traffic, protocol.replayHeader()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }

  @Bean(destroyMethod = "close")
  PlatformWatch<FlowSampler.Sample> flowWatch(
      GatewayProperties properties,
      WatchedInstances instances,
      OrderTraffic traffic,
      Actuators actuators,
      MeterRegistry meters) {
    GatewayProperties.Console console = properties.console();
    return metered(
        new PlatformWatch<>(
            new FlowSampler(console, instances, traffic, actuators, Clock.systemUTC()),
            console.sampleInterval()),
        "flow",
        meters);
  }

  /**
   * bulwark.console.samples: samples taken (the same with one open page or ten);
   * bulwark.console.pages: pages subscribed now; each tagged with the page kind.
   */
  private static <T> PlatformWatch<T> metered(
      PlatformWatch<T> watch, String page, MeterRegistry meters) {
    FunctionCounter.builder("bulwark.console.samples", watch, PlatformWatch::samplesTaken)
        .tag("page", page)
        .register(meters);
    Gauge.builder("bulwark.console.pages", watch, PlatformWatch::subscribers)
        .tag("page", page)
        .register(meters);
    return watch;
  }
}
