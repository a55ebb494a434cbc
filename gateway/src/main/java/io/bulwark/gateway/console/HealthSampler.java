package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.edge.RateLimiterView;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
  private final CircuitBreakerRegistry breakers;
  private final RateLimiterView rateLimiter;
  private final JsonMapper json;
  private final Clock clock;
  private final HttpClient http;

  HealthSampler(
      GatewayProperties.Console settings,
      CircuitBreakerRegistry breakers,
      RateLimiterView rateLimiter,
      JsonMapper json,
      Clock clock) {
    this.settings = settings;
    this.breakers = breakers;
    this.rateLimiter = rateLimiter;
    this.json = json;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  @Override
  public Sample get() {
    List<CompletableFuture<Instance>> reads =
        settings.instances().stream().map(this::read).toList();
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
    CompletableFuture<@Nullable JsonNode> health = fetch(watched, "/actuator/health");
    CompletableFuture<@Nullable JsonNode> state =
        watched.service().equals("auth-server")
            ? CompletableFuture.completedFuture(null)
            : fetch(watched, "/actuator/bulwark").exceptionally(failure -> null);
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
                    reason(failure),
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

  /**
   * The instance's answer, as JSON: the actuator answers 503 with the health body when the instance
   * is down, and that body is what tells why.
   */
  private CompletableFuture<@Nullable JsonNode> fetch(
      GatewayProperties.WatchedInstance watched, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(watched.managementUrl() + path))
            .timeout(settings.timeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              boolean health = path.equals("/actuator/health");
              if (response.statusCode() == 200 || (health && response.statusCode() == 503)) {
                return (@Nullable JsonNode) json.readTree(response.body());
              }
              throw new IllegalStateException(path + " answered " + response.statusCode());
            });
  }

  private static String reason(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    String message = cause.getMessage();
    String kind = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? kind : kind + ": " + message;
  }
}
