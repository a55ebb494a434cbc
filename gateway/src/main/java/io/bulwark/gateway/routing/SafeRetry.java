package io.bulwark.gateway.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.server.mvc.filter.RetryFilterFunctions;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Retries only what is safe to send twice: {@code GET} and {@code HEAD}, and a {@code POST} that
 * carries an {@code Idempotency-Key} (the service answers a repeat with the first result). A retry
 * runs the load balancer again, so with round robin it lands on another instance. Everything else
 * passes through once.
 */
final class SafeRetry {

  private SafeRetry() {}

  /**
   * @param keyHeader the header that carries an idempotency key
   */
  static HandlerFilterFunction<ServerResponse, ServerResponse> safeRetry(
      int retries, Duration backoff, String keyHeader) {
    HandlerFilterFunction<ServerResponse, ServerResponse> retry =
        RetryFilterFunctions.retry(
            config ->
                config
                    .setRetries(retries)
                    .setSeries(Set.of(HttpStatus.Series.SERVER_ERROR))
                    .setMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST))
                    .setExceptions(
                        Set.of(
                            IOException.class,
                            TimeoutException.class,
                            ResourceAccessException.class))
                    .setCacheBody(false) // the edge buffers bodies; each attempt re-reads it
                    .setBackoff(backoff, backoff.multipliedBy(8), 2));
    return (request, next) ->
        isSafe(request, keyHeader) ? retry.filter(request, next) : next.handle(request);
  }

  static boolean isSafe(ServerRequest request, String keyHeader) {
    HttpMethod method = request.method();
    return HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || (HttpMethod.POST.equals(method) && request.headers().firstHeader(keyHeader) != null);
  }
}
