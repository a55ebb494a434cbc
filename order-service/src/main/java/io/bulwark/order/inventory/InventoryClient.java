package io.bulwark.order.inventory;

import io.bulwark.order.ordering.SkuCheck;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * {@link SkuCheck} over HTTP, guarded by the Resilience4j instances named {@value #NAME}, in this
 * order from the outside in:
 *
 * <pre>Retry → CircuitBreaker → TimeLimiter → Bulkhead → HTTP call</pre>
 *
 * <ul>
 *   <li><b>Retry outside the breaker</b>, so the breaker sees every attempt: three failed attempts
 *       are three failures, and a dependency that is down opens the breaker after a few orders.
 *       Once it is open, a retry meets {@code CallNotPermittedException}, which is not retried: no
 *       retry storm against a dependency known to be down. (The reverse order would count one
 *       failure per three attempts and keep hammering.)
 *   <li><b>Time limiter inside the breaker</b>: a stalled instance costs at most the time limit per
 *       attempt, and the timeout counts as a failure.
 *   <li><b>Bulkhead innermost</b>: it caps concurrent calls; a call it refuses never reached the
 *       inventory, so the breaker ignores it and the retry does not repeat it.
 *   <li>Retries (jittered exponential backoff) and breaker failures are only the transient kinds:
 *       I/O errors, timeouts and 5xx. A 4xx is our mistake, not the inventory's ill health.
 * </ul>
 *
 * <p>Whatever fails, the verdict is "unverified" and the order is accepted: the saga decides.
 *
 * <p>Only SKUs not confirmed before are asked about ({@link ConfirmedSkus}): an order for SKUs this
 * instance has seen confirmed makes no call at all.
 */
@Component
class InventoryClient implements SkuCheck, DisposableBean {

  static final String NAME = "inventory";
  private static final String CHECK = "bulwark.inventory.check";
  private static final Logger log = LoggerFactory.getLogger(InventoryClient.class);

  private final RestClient http;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final TimeLimiter timeLimiter;
  private final Bulkhead bulkhead;
  private final MeterRegistry meters;
  private final ConfirmedSkus confirmed;
  // each call carries its order's trace and correlation id onto the thread that makes it
  private final ExecutorService calls =
      ContextExecutorService.wrap(
          Executors.newCachedThreadPool(
              runnable -> {
                Thread thread = new Thread(runnable, "inventory-call");
                thread.setDaemon(true);
                return thread;
              }));

  InventoryClient(
      RestClient.Builder inventoryRestClientBuilder,
      RetryRegistry retries,
      CircuitBreakerRegistry breakers,
      TimeLimiterRegistry timeLimiters,
      BulkheadRegistry bulkheads,
      MeterRegistry meters,
      InventoryProperties properties) {
    this.http = inventoryRestClientBuilder.build();
    this.retry = retries.retry(NAME);
    this.breaker = breakers.circuitBreaker(NAME);
    this.timeLimiter = timeLimiters.timeLimiter(NAME);
    this.bulkhead = bulkheads.bulkhead(NAME);
    this.meters = meters;
    this.confirmed = new ConfirmedSkus(properties.rememberedSkus());
  }

  record StockItem(String sku, int available, int reserved) {}

  @Override
  public Verdict verify(Set<String> skus) {
    Set<String> unconfirmed = confirmed.unconfirmed(skus);
    if (unconfirmed.isEmpty()) {
      meters.counter(CHECK, "outcome", "remembered").increment();
      return Verdict.verified(Set.of());
    }
    Callable<Set<String>> lookup = () -> known(unconfirmed);
    Callable<Set<String>> limited =
        () ->
            timeLimiter.executeFutureSupplier(
                () -> calls.submit(() -> bulkhead.executeCallable(lookup)));
    Callable<Set<String>> guarded =
        Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, limited));
    try {
      Set<String> known = guarded.call();
      known.retainAll(unconfirmed);
      confirmed.confirmed(known);
      Set<String> unknown = new HashSet<>(unconfirmed);
      unknown.removeAll(known);
      meters.counter(CHECK, "outcome", "verified").increment();
      return Verdict.verified(unknown);
    } catch (Exception e) {
      log.warn("inventory check unavailable, accepting the order unverified: {}", e.toString());
      meters.counter(CHECK, "outcome", "unverified").increment();
      return Verdict.unverified();
    }
  }

  private Set<String> known(Set<String> skus) {
    List<StockItem> items =
        http.get()
            .uri(uri -> uri.path("/api/inventory").queryParam("sku", skus.toArray()).build())
            .retrieve()
            .body(new ParameterizedTypeReference<List<StockItem>>() {});
    Set<String> known = new HashSet<>();
    if (items != null) {
      items.forEach(item -> known.add(item.sku()));
    }
    return known;
  }

  @Override
  public void destroy() {
    calls.shutdownNow();
  }
}
