package io.bulwark.gateway.edge;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.web.Problems;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits requests per client: the client header when present, else the remote address. A client
 * over its limit gets {@code 429} with {@code Retry-After}; other clients are not affected.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  /** Beyond this many tracked clients the table is cleared: a bound on memory, not on clients. */
  private static final int MAX_CLIENTS = 50_000;

  private final GatewayProperties.RateLimit settings;
  private final String clientHeader;
  private final RateLimiterConfig config;
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  RateLimitFilter(GatewayProperties.RateLimit settings, String clientHeader) {
    this.settings = settings;
    this.clientHeader = clientHeader;
    this.config =
        RateLimiterConfig.custom()
            .limitForPeriod(settings.limitForPeriod())
            .limitRefreshPeriod(settings.period())
            .timeoutDuration(Duration.ZERO)
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
    if (limiterOf(clientOf(request)).acquirePermission()) {
      chain.doFilter(request, response);
      return;
    }
    long seconds = Math.max(1, (settings.period().toMillis() + 999) / 1000);
    response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
    Problems.write(
        response,
        429,
        "Too many requests",
        "At most " + settings.limitForPeriod() + " requests per " + settings.period() + ".");
  }

  private String clientOf(HttpServletRequest request) {
    String apiKey = request.getHeader(clientHeader);
    return apiKey != null && !apiKey.isBlank()
        ? "key:" + apiKey
        : "addr:" + request.getRemoteAddr();
  }

  private RateLimiter limiterOf(String client) {
    if (limiters.size() > MAX_CLIENTS) {
      limiters.clear();
    }
    return limiters.computeIfAbsent(client, c -> RateLimiter.of(c, config));
  }
}
