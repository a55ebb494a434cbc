package io.bulwark.gateway.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits API requests per authenticated caller (the token's subject, or the signed-in user), after
 * authentication; a request without a caller never gets this far. A caller over its limit gets
 * {@code 429} with {@code Retry-After} in whole seconds until its next request is allowed. Each
 * gateway replica keeps its own counts.
 *
 * <p>The buckets live in a bounded cache: at most {@code maxClients}, each dropped once it has been
 * idle for a period (it would be full again by then anyway). However many identities arrive, memory
 * stays bounded, and a caller's count survives others coming while fewer than {@code maxClients}
 * callers are in the table. Past that the cache drops the entries it judges least used, and a
 * dropped caller that comes back starts with a full allowance: with a table of 10,000 and a crowd
 * of 30,000 one-request callers, a caller that had used up its limit before the crowd got a fresh
 * one. A known gap: keeping the partly spent buckets and dropping only full ones (which lose
 * nothing) would close it.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  private final GatewayProperties.RateLimit settings;
  private final Cache<String, TokenBucket> buckets;
  private final LongSupplier nanoTime;

  RateLimitFilter(GatewayProperties.RateLimit settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(settings.maxClients())
            .expireAfterAccess(settings.period().multipliedBy(2).plus(Duration.ofSeconds(1)))
            .build();
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
    long wait =
        buckets
            .get(
                caller.getName(),
                name ->
                    new TokenBucket(settings.limitForPeriod(), settings.period().toNanos(), now))
            .take(now);
    if (wait == 0) {
      chain.doFilter(request, response);
      return;
    }
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

  /** How many callers are being counted now: for the memory test. */
  long trackedClients() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
