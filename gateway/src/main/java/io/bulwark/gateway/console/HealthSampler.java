package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.edge.RateLimiterView;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One sample of the platform's health, as the console's health page shows it: this gateway's
 * circuit breakers and rate limiter, read in process, and each watched instance's health and state,
 * read from its actuator (all instances at once, each bounded by the timeout, so a silent one costs
 * the timeout once, not once per instance).
 */
final class HealthSampler implements Supplier<HealthSampler.Sample> {

  /** A route's breaker: its state and what it counted. */
  record Breaker(
      String name,
      String state,
      float failureRate,
      float slowCallRate,
      int bufferedCalls,
      int failedCalls,
      long notPermittedCalls) {}

  /** This gateway replica's own parts. */
  record Gateway(List<Breaker> breakers, RateLimiterView.Reading rateLimit) {}

  /**
   * An instance: {@code ready}, {@code draining} (alive, refusing new work), {@code down} (answers,
   * unhealthy) or {@code unreachable}; why, when it is not ready; how long it took to answer; its
   * health components and its state ({@code /actuator/bulwark}, for the services with one).
   */
  record Instance(
      String service,
      String name,
      String status,
      @Nullable String reason,
      long answeredInMs,
      @Nullable JsonNode health,
      @Nullable JsonNode state) {}

  record Sample(Instant at, long intervalMs, Gateway gateway, List<Instance> instances) {}

  private final GatewayProperties.Console settings;
  private final WatchedInstances instances;
  private final CircuitBreakerRegistry breakers;
  private final RateLimiterView rateLimiter;
  private final Clock clock;
  private final Actuators actuators;

  HealthSampler(
      GatewayProperties.Console settings,
      WatchedInstances instances,
      CircuitBreakerRegistry breakers,
      RateLimiterView rateLimiter,
      Actuators actuators,
      Clock clock) {
    this.settings = settings;
    this.instances = instances;
    this.breakers = breakers;
    this.rateLimiter = rateLimiter;
    this.clock = clock;
    this.actuators = actuators;
  }

  @Override
  public Sample get() {
    List<CompletableFuture<Instance>> reads = instances.now().stream().map(this::read).toList();
    List<Instance> instances = reads.stream().map(CompletableFuture::join).toList();
    return new Sample(
        clock.instant(),
        settings.sampleInterval().toMillis(),
        new Gateway(breakers(), rateLimiter.read()),
        instances);
  }

  private List<Breaker> breakers() {
    return breakers.getAllCircuitBreakers().stream()
        .sorted(Comparator.comparing(CircuitBreaker::getName))
        .map(
            breaker -> {
              CircuitBreaker.Metrics metrics = breaker.getMetrics();
              return new Breaker(
                  breaker.getName(),
                  breaker.getState().name(),
                  metrics.getFailureRate(),
                  metrics.getSlowCallRate(),
                  metrics.getNumberOfBufferedCalls(),
                  metrics.getNumberOfFailedCalls(),
                  metrics.getNumberOfNotPermittedCalls());
            })
        .toList();
  }

  private CompletableFuture<Instance> read(GatewayProperties.WatchedInstance watched) {
    long start = System.nanoTime();
    CompletableFuture<@Nullable JsonNode> health =
        actuators.read(watched.managementUrl(), "/actuator/health");
    CompletableFuture<@Nullable JsonNode> state =
        watched.service().equals("auth-server")
            ? CompletableFuture.completedFuture(null)
            : actuators
                .read(watched.managementUrl(), "/actuator/bulwark")
                .exceptionally(failure -> null);
    return health
        .thenCombine(
            state,
            (answer, kit) -> {
              long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
              return judged(watched, answer, kit, took);
            })
        .exceptionally(
            failure ->
                new Instance(
                    watched.service(),
                    watched.name(),
                    "unreachable",
                    Actuators.reason(failure),
                    Duration.ofNanos(System.nanoTime() - start).toMillis(),
                    null,
                    null));
  }

  private static Instance judged(
      GatewayProperties.WatchedInstance watched,
      @Nullable JsonNode health,
      @Nullable JsonNode state,
      long took) {
    String overall = health == null ? "UNKNOWN" : health.path("status").asString("UNKNOWN");
    String readiness =
        health == null
            ? "UNKNOWN"
            : health.path("components").path("readinessState").path("status").asString(overall);
    String status;
    String reason = null;
    if ("OUT_OF_SERVICE".equals(readiness) && !"DOWN".equals(overall)) {
      status = "draining";
      reason = "refusing new traffic";
    } else if ("UP".equals(overall)) {
      status = "ready";
    } else {
      status = "down";
      reason = downParts(health);
    }
    return new Instance(watched.service(), watched.name(), status, reason, took, health, state);
  }

  /** The health components that are not up, by name. */
  private static String downParts(@Nullable JsonNode health) {
    if (health == null) {
      return "no health";
    }
    StringBuilder parts = new StringBuilder();
    health
        .path("components")
        .properties()
        .forEach(
            component -> {
              String status = component.getValue().path("status").asString("");
              if (!"UP".equals(status)) {
                parts.append(parts.isEmpty() ? "" : ", ").append(component.getKey());
                parts.append(' ').append(status);
              }
            });
    return parts.isEmpty() ? health.path("status").asString("unhealthy") : parts.toString();
  }
}
