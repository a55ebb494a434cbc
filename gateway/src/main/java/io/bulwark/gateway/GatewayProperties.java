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
 * @param console what the operator's console watches
 */
@ConfigurationProperties("bulwark.gateway")
public record GatewayProperties(
    @DefaultValue("2") int retries,
    @DefaultValue("50ms") Duration retryBackoff,
    @DefaultValue("64KB") DataSize maxBodySize,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue List<String> allowedOrigins,
    @DefaultValue Console console) {

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

  /**
   * The console's live pages (health, flow): one sampler per page kind in this gateway reads the
   * watched instances each {@code sampleInterval}, only while such a page is open, and sends each
   * sample to every open page; so ten open pages cost what one does.
   *
   * @param instances the instances to watch, each by its management address (none: the page shows
   *     the gateway alone)
   * @param discover services whose instances are found anew at each sample, by the addresses a host
   *     name resolves to (Kubernetes: a headless Service over the management port)
   * @param sampleInterval how often the sampler reads them while a page is open
   * @param timeout how long one instance may take to answer before it counts as unreachable
   * @param traceUrl a trace's address in the trace viewer, {@code {traceId}} standing for its id
   *     ({@code http://localhost:9411/zipkin/traces/{traceId}}); empty: the pages show trace ids as
   *     text
   * @param chaos the chaos agent of the local run, which the chaos page's actions go to
   */
  public record Console(
      @DefaultValue List<WatchedInstance> instances,
      @DefaultValue List<DiscoveredService> discover,
      @DefaultValue("2s") Duration sampleInterval,
      @DefaultValue("1s") Duration timeout,
      @DefaultValue("") String traceUrl,
      @DefaultValue Chaos chaos) {}

  /**
   * Where the local run's chaos agent listens and the token it wants; both empty (the default)
   * everywhere else, where the chaos page says its actions exist only in the local run.
   *
   * @param url the agent's address, on the loopback interface
   * @param token the agent's token, made by the run that started it
   */
  public record Chaos(@DefaultValue("") String url, @DefaultValue("") String token) {

    public boolean enabled() {
      return !url.isBlank() && !token.isBlank();
    }
  }

  /**
   * An instance the console watches.
   *
   * @param service the service it is an instance of
   * @param name its own name ({@code order-service-1})
   * @param managementUrl where its actuator listens ({@code http://10.0.0.7:9081})
   */
  public record WatchedInstance(String service, String name, String managementUrl) {}

  /**
   * A service the console finds the instances of by name resolution.
   *
   * @param service the service they are instances of
   * @param host a name that resolves to every instance's address ({@code order-service-management},
   *     a headless Service)
   * @param port the instances' management port
   */
  public record DiscoveredService(String service, String host, int port) {}
}
