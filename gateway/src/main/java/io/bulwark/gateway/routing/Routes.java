package io.bulwark.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.setPath;
import static org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions.lb;
import static org.springframework.cloud.gateway.server.mvc.filter.TokenRelayFilterFunctions.tokenRelay;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.autoconfigure.idempotency.IdempotencyProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.context.ContextExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The API routes. Each goes, from the outside in, through its circuit breaker and time limit, then
 * the safe retry, then the load balancer over the service's instances.
 *
 * <p>The retry sits inside the breaker on purpose: the breaker guards the route as a whole, so a
 * single failing instance, whose requests are retried on the other one, does not open it; only a
 * request that failed on every attempt counts. (Between services it is the other way round: there
 * the breaker must see every attempt, see order-service's {@code InventoryClient}.)
 */
@Configuration(proxyBeanMethods = false)
class Routes {

  /** The threads the upstream calls run on, each carrying its request's trace and correlation. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService upstreamCalls() {
    return ContextExecutorService.wrap(
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "upstream-call");
              thread.setDaemon(true);
              return thread;
            }));
  }

  @Bean
  RouterFunction<ServerResponse> ordersRoute(
      CircuitBreakerRegistry breakers,
      TimeLimiterRegistry timeLimiters,
      GatewayProperties properties,
      IdempotencyProperties protocol,
      ExecutorService upstreamCalls) {
    return apiRoute(
        "orders",
        "order-service",
        path("/api/orders").or(path("/api/orders/**")),
        breakers,
        timeLimiters,
        properties,
        protocol,
        upstreamCalls);
  }

  @Bean
  RouterFunction<ServerResponse> inventoryRoute(
      CircuitBreakerRegistry breakers,
      TimeLimiterRegistry timeLimiters,
      GatewayProperties properties,
      IdempotencyProperties protocol,
      ExecutorService upstreamCalls) {
    return apiRoute(
        "inventory",
        "inventory-service",
        path("/api/inventory").or(path("/api/inventory/**")),
        breakers,
        timeLimiters,
        properties,
        protocol,
        upstreamCalls);
  }

  /**
   * Each service's operations API ({@code /api/ops/<service>/...}, the operator's alone, which the
   * service checks itself), passed on unchanged, behind breakers of their own: an operator's
   * redrive that fails never opens the breaker that guards the customers' orders.
   */
  @Bean
  RouterFunction<ServerResponse> operationsRoutes(
      CircuitBreakerRegistry breakers,
      TimeLimiterRegistry timeLimiters,
      GatewayProperties properties,
      IdempotencyProperties protocol,
      ExecutorService upstreamCalls) {
    return apiRoute(
            "ops-orders",
            "order-service",
            path("/api/ops/order-service/**"),
            breakers,
            timeLimiters,
            properties,
            protocol,
            upstreamCalls)
        .and(
            apiRoute(
                "ops-inventory",
                "inventory-service",
                path("/api/ops/inventory-service/**"),
                breakers,
                timeLimiters,
                properties,
                protocol,
                upstreamCalls));
  }

  /**
   * Each service's OpenAPI document under {@code /docs/<route>/v3/api-docs}, for the Swagger UI the
   * gateway serves at {@code /swagger-ui.html}.
   */
  @Bean
  RouterFunction<ServerResponse> apiDocsRoutes() {
    return docsRoute("orders", "order-service").and(docsRoute("inventory", "inventory-service"));
  }

  private static RouterFunction<ServerResponse> docsRoute(String id, String service) {
    return route(id + "-docs")
        .GET("/docs/" + id + "/v3/api-docs", http())
        .before(setPath("/v3/api-docs"))
        .filter(tokenRelay())
        .filter(lb(service))
        .build();
  }

  private static RouterFunction<ServerResponse> apiRoute(
      String id,
      String service,
      RequestPredicate paths,
      CircuitBreakerRegistry breakers,
      TimeLimiterRegistry timeLimiters,
      GatewayProperties properties,
      IdempotencyProperties protocol,
      ExecutorService upstreamCalls) {
    return route(id)
        .route(paths, http())
        // on the request's own thread, where the session is: a signed-in browser's access token
        .filter(tokenRelay())
        .filter(
            GuardedRoute.guard(
                breakers.circuitBreaker(id), timeLimiters.timeLimiter(id), upstreamCalls))
        .filter(
            SafeRetry.safeRetry(properties.retries(), properties.retryBackoff(), protocol.header()))
        .filter(lb(service))
        .build();
  }
}
