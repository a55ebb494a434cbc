package io.bulwark.gateway;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code bulwark.gateway.*}: the edge's policies, with their defaults in one place. The routes'
 * breakers and time limits are Resilience4j instances named after the routes ({@code orders},
 * {@code inventory}).
 *
 * @param retries extra attempts for a safe request (GET, HEAD, or POST with an Idempotency-Key)
 * @param retryBackoff first pause before a retry, doubling
 * @param maxBodySize the largest request body accepted ({@code 413} above)
 * @param rateLimit requests per authenticated caller, per gateway replica
 * @param allowedOrigins browser origins allowed by CORS; none by default, so a deployment that
 *     serves a browser application from another origin must name it
 */
@ConfigurationProperties("bulwark.gateway")
public record GatewayProperties(
    @DefaultValue("2") int retries,
    @DefaultValue("50ms") Duration retryBackoff,
    @DefaultValue("64KB") DataSize maxBodySize,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue List<String> allowedOrigins) {

  /**
   * A caller is the subject of its access token (or the signed-in user of a browser session).
   *
   * @param limitForPeriod requests a caller may make per period, refilled evenly over it
   * @param period the refill period
   * @param maxClients how many callers' counts are kept at most (a bound on memory: a few dozen
   *     bytes each, besides the caller's name); when the table is full, the counts that have
   *     refilled are dropped first, then those with the most left
   */
  public record RateLimit(
      @DefaultValue("100") int limitForPeriod,
      @DefaultValue("1s") Duration period,
      @DefaultValue("100000") int maxClients) {}
}
