package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.edge.RateLimiterView;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The console's health watch: one sampler for every open page, and its cost as metrics. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

  @Bean(destroyMethod = "close")
  PlatformWatch<HealthSampler.Sample> platformWatch(
      GatewayProperties properties,
      CircuitBreakerRegistry breakers,
      RateLimiterView rateLimiter,
      JsonMapper json,
      MeterRegistry meters) {
    GatewayProperties.Console console = properties.console();
    PlatformWatch<HealthSampler.Sample> watch =
        new PlatformWatch<>(
            new HealthSampler(console, breakers, rateLimiter, json, Clock.systemUTC()),
            console.sampleInterval());
    // bulwark.console.samples: samples taken (the same with one open page or ten);
    // bulwark.console.pages: pages subscribed now
    FunctionCounter.builder("bulwark.console.samples", watch, PlatformWatch::samplesTaken)
        .register(meters);
    Gauge.builder("bulwark.console.pages", watch, PlatformWatch::subscribers).register(meters);
    return watch;
  }
}
