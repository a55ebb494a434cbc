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
 * @param rateLimit requests per client
 * @param allowedOrigins browser origins allowed by CORS
 */
@ConfigurationProperties("bulwark.gateway")
public record GatewayProperties(
    @DefaultValue("2") int retries,
    @DefaultValue("50ms") Duration retryBackoff,
    @DefaultValue("64KB") DataSize maxBodySize,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue("http://localhost:3000") List<String> allowedOrigins) {

  /**
   * A client is told by the kit's client header ({@code bulwark.idempotency.client-header}), and
   * without it by its remote address.
   *
   * @param limitForPeriod requests a client may make per period
   * @param period the refresh period
   */
  public record RateLimit(
      @DefaultValue("100") int limitForPeriod, @DefaultValue("1s") Duration period) {}
}
