package io.bulwark.gateway.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A route's circuit breaker and response time limit. The breaker guards the route as a whole (all
 * instances of the service): it counts a request as failed when, after the retries inside it, the
 * upstream still failed, timed out or answered {@code 5xx}. While open, or when the upstream fails,
 * the client gets a {@code 503} problem with {@code Retry-After}; a timeout is a {@code 504}.
 */
final class GuardedRoute {

  private static final Logger log = LoggerFactory.getLogger(GuardedRoute.class);

  private GuardedRoute() {}

  static HandlerFilterFunction<ServerResponse, ServerResponse> guard(
      CircuitBreaker breaker, TimeLimiter timeLimiter, ExecutorService calls) {
    return (request, next) -> {
      if (!breaker.tryAcquirePermission()) {
        return unavailable(breaker.getName(), retryAfter(breaker), "is unavailable, try later");
      }
      long start = System.nanoTime();
      try {
        ServerResponse response =
            timeLimiter.executeFutureSupplier(() -> calls.submit(() -> next.handle(request)));
        long elapsed = System.nanoTime() - start;
        if (response.statusCode().is5xxServerError()) {
          breaker.onError(elapsed, TimeUnit.NANOSECONDS, new UpstreamFailure(response));
        } else {
          breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        return response;
      } catch (TimeoutException e) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        return problem(
            HttpStatus.GATEWAY_TIMEOUT,
            "Upstream timeout",
            breaker.getName() + " did not answer in time",
            Map.of());
      } catch (Exception e) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        log.warn("route {} failed: {}", breaker.getName(), e.toString());
        return unavailable(breaker.getName(), 1, "could not be reached, try later");
      }
    };
  }

  /** Seconds until the open breaker lets a trial call through: its wait in the open state. */
  private static long retryAfter(CircuitBreaker breaker) {
    long waitMillis =
        breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    return Math.max(1, (waitMillis + 999) / 1000);
  }

  private static ServerResponse unavailable(String route, long retryAfterSeconds, String what) {
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "Service unavailable",
        route + " " + what,
        Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds)));
  }

  private static ServerResponse problem(
      HttpStatus status, String title, String detail, Map<String, String> headers) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return ServerResponse.status(status)
        .headers(h -> headers.forEach(h::set))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /** An upstream answer that counts as a failure of the route. */
  static final class UpstreamFailure extends RuntimeException {
    UpstreamFailure(ServerResponse response) {
      super("upstream answered " + response.statusCode().value(), null, false, false);
    }
  }
}
