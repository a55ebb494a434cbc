package io.bulwark.gateway.edge;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits API requests per authenticated caller (the token's subject, or the signed-in user), after
 * authentication; a request without a caller never gets this far. A caller over its limit gets
 * {@code 429} with {@code Retry-After} in whole seconds until its next request is allowed. Each
 * gateway replica keeps its own counts.
 *
 * <p>The buckets live in a bounded table ({@link Allowances}): at most {@code maxClients}; when it
 * is full, the buckets that have refilled go first, then those with the most left. However many
 * identities arrive, memory stays bounded, and a caller that has used up its limit keeps its count
 * unless more than {@code maxClients} callers are all further spent than it.
 */
final class RateLimitFilter extends OncePerRequestFilter implements RateLimiterView {

  private final GatewayProperties.RateLimit settings;
  private final Allowances buckets;
  private final LongSupplier nanoTime;
  private final LongAdder refused = new LongAdder();

  RateLimitFilter(GatewayProperties.RateLimit settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.buckets =
        new Allowances(
            settings.maxClients(), settings.limitForPeriod(), settings.period().toNanos());
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Principal caller = request.getUserPrincipal();
    if (caller == null) {
      chain.doFilter(request, response); // refused by the authorization rules, not counted here
      return;
    }
    long now = nanoTime.getAsLong();
    long wait = buckets.of(caller.getName(), now).take(now);
    if (wait == 0) {
      chain.doFilter(request, response);
      return;
    }
    refused.increment();
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
    response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
    Problems.write(
        response,
        429,
        "Too many requests",
        "At most "
            + settings.limitForPeriod()
            + " requests per "
            + settings.period()
            + "; the next is allowed in "
            + seconds
            + " s.");
  }

  @Override
  public Reading read() {
    return new Reading(
        settings.limitForPeriod(),
        settings.period(),
        settings.maxClients(),
        buckets.size(),
        refused.sum());
  }

  /** How many callers are being counted now: for the memory test. */
  long trackedClients() {
    return buckets.size();
  }
}
