package io.bulwark.reliability.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The platform's defaults, kept here once instead of in every service's configuration: virtual
 * threads, RFC 9457 problem details, raw-bytes Kafka consumers (the kit decodes, so a poison record
 * never fails inside the client), {@code acks=all}, and the actuator endpoints. They sit at the
 * lowest precedence, so a service's own configuration overrides any of them.
 */
public class ReliabilityDefaults implements EnvironmentPostProcessor {

  static final String SOURCE = "bulwarkReliabilityDefaults";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.threads.virtual.enabled", "true");
    defaults.put("logging.pattern.correlation", "[%X{correlationId:-}] ");
    defaults.put("spring.mvc.problemdetails.enabled", "true");
    defaults.put("server.error.include-stacktrace", "never");
    defaults.put("server.error.include-message", "never");
    defaults.put(
        "spring.kafka.consumer.key-deserializer",
        "org.apache.kafka.common.serialization.StringDeserializer");
    defaults.put(
        "spring.kafka.consumer.value-deserializer",
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    defaults.put("spring.kafka.consumer.auto-offset-reset", "earliest");
    defaults.put("spring.kafka.consumer.enable-auto-commit", "false");
    defaults.put("spring.kafka.consumer.isolation-level", "read_committed");
    defaults.put(
        "spring.kafka.producer.key-serializer",
        "org.apache.kafka.common.serialization.StringSerializer");
    defaults.put(
        "spring.kafka.producer.value-serializer",
        "org.apache.kafka.common.serialization.ByteArraySerializer");
    defaults.put("spring.kafka.producer.acks", "all");
    defaults.put("spring.kafka.listener.concurrency", "3");
    offsetCommits(defaults);
    // a crashed instance's partitions move to the others after 10 s, not Kafka's default 45 s
    defaults.put("spring.kafka.consumer.properties[session.timeout.ms]", "10000");
    defaults.put("spring.kafka.consumer.heartbeat-interval", "3s");
    kafkaTimeouts(defaults);
    defaults.put("spring.flyway.baseline-on-migrate", "false");
    defaults.put(
        "spring.datasource.hikari.exception-override-class-name",
        // by name: applications without HikariCP (the gateway) must not load the class
        "io.bulwark.reliability.autoconfigure.FailoverConnectionEviction");
    defaults.put("spring.datasource.hikari.connection-timeout", "5000");
    // a pooled connection idle for a moment is checked before it is lent; to a partitioned primary
    // the check gets no answer, and 1 s (not Hikari's 5 s) gives it up for a fresh connection
    defaults.put("spring.datasource.hikari.validation-timeout", "1000");
    databaseTimeouts(defaults);
    resilienceDefaults(defaults);
    // bulwark: the console's view of the instance (outbox, dead letters, database, Kafka lag)
    defaults.put(
        "management.endpoints.web.exposure.include", "health,info,metrics,prometheus,bulwark");
    defaults.put("management.endpoint.health.probes.enabled", "true");
    // every order traced: a platform meant to be watched failing; spans leave a service only when
    // an OTLP endpoint is set (management.opentelemetry.tracing.export.otlp.endpoint), and a
    // busier deployment lowers the probability
    defaults.put("management.tracing.sampling.probability", "1.0");
    // Spring Security's five spans per request (its filter chain's halves as traces of their
    // own) would bury the platform's; the request's span holds its outcome
    defaults.put("management.observations.enable.spring.security", "false");
    // a backlog drained after an outage is a burst of spans (a publish, a consumption and a
    // reply per event): room for tens of thousands, sent in larger batches, not OpenTelemetry's
    // 2,048 dropped from silently
    defaults.put("management.opentelemetry.tracing.export.max-queue-size", "32768");
    defaults.put("management.opentelemetry.tracing.export.max-batch-size", "2048");
    // metrics are scraped (Prometheus), not pushed: OpenTelemetry's starter would otherwise push
    // them to an OTLP endpoint on localhost every minute, and fail where there is none
    defaults.put("management.otlp.metrics.export.enabled", "false");
    // latency histograms, so dashboards and benchmarks can compute percentiles across instances
    defaults.put(
        "management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
    defaults.put("management.endpoint.health.show-details", "always");
    // ready = able to serve: accepting traffic (false from the start of a shutdown) and its
    // database reachable. Kafka is not counted (the outbox holds events while it is away) and
    // neither are circuit breakers (they guard calls to others, and would take every instance
    // out at once). An application without a database overrides this.
    defaults.put("management.endpoint.health.group.readiness.include", "readinessState,db");
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
  }

  /**
   * Every wait on the database is bounded, so a host that vanishes (a partition drops packets, it
   * refuses nothing) costs seconds, not the kernel's fifteen minutes of retransmissions:
   *
   * <ul>
   *   <li>{@code connectTimeout} 1 s: a host that answers no SYN (a partitioned node); a multi-host
   *       URL tries the next. Every attempt to reach a new primary tries the silent node too, so
   *       this bound is paid after a promotion as well (a SYN is answered in milliseconds on a
   *       network that works; one that is lost costs an attempt, and the reconnecting data source
   *       makes another);
   *   <li>{@code loginTimeout} 5 s: a host that accepts the connection and then says nothing;
   *   <li>{@code socketTimeout} 20 s: any read from a server gone quiet mid-statement. Above the
   *       statement and lock timeouts, so a slow statement meets the server's own cancel first and
   *       the connection survives;
   *   <li>{@code statement_timeout} 15 s: a runaway statement (every statement here takes
   *       milliseconds; a migration that needs longer sets its own);
   *   <li>{@code lock_timeout} 10 s: a row lock held by a session that is gone but not yet ended;
   *   <li>{@code idle_in_transaction_session_timeout} 30 s: a transaction left open by a client
   *       that vanished ends, with its locks (the longest legitimate pause inside one is an HTTP
   *       call of a few seconds; the outbox relay sets a tighter one on its claims);
   *   <li>keepalives (idle 10 s, every 3 s, 3 probes) and {@code tcp_user_timeout} 10 s on the
   *       server's side: an idle connection whose client vanished is noticed and its backend ended
   *       in about 20 s; {@code tcpKeepAlive} on the client's side.
   * </ul>
   *
   * A service's own URL parameters override these.
   */
  private static void databaseTimeouts(Map<String, Object> defaults) {
    String driver = "spring.datasource.hikari.data-source-properties.";
    defaults.put(driver + "connectTimeout", "1");
    defaults.put(driver + "loginTimeout", "5");
    defaults.put(driver + "socketTimeout", "20");
    defaults.put(driver + "tcpKeepAlive", "true");
    // each connection names its instance (pg_stat_activity shows it), and the kit's tables record
    // it: which instance appended, published and processed a message
    defaults.put(
        driver + "ApplicationName",
        "${bulwark.instance-name:${HOSTNAME:${spring.application.name:application}}}");
    defaults.put(
        driver + "options",
        String.join(
            " ",
            "-c statement_timeout=15s",
            "-c lock_timeout=10s",
            "-c idle_in_transaction_session_timeout=30s",
            "-c tcp_keepalives_idle=10",
            "-c tcp_keepalives_interval=3",
            "-c tcp_keepalives_count=3",
            "-c tcp_user_timeout=10000"));
  }

  /**
   * A consumer commits its offsets once a second, not after every poll. At the rates an order
   * platform sees, a poll mostly brings one record, so committing per poll was a commit per record:
   * a write to the broker's offsets log, the group coordinator's work and a round trip, on the
   * broker that every service shares. The inbox makes a record delivered again a no-op, so what a
   * later commit risks is only that: after an instance dies (a rebalance or a stop commits what is
   * processed first), the records of its last second are delivered again and skipped.
   *
   * <ul>
   *   <li>{@code ack-mode} {@code time}, {@code ack-time} 1 s: processed offsets are committed at
   *       most a second after they are processed, and no more often;
   *   <li>{@code poll-timeout} 1 s: an idle consumer's poll returns within a second, so its pending
   *       commit is not held for Spring's default of five.
   * </ul>
   *
   * {@code fetch.max.wait.ms} stays at half a second: a longer wait would spare idle consumers a
   * few fetches, but a retry seeks back, and the consumer waits out its fetch in flight before it
   * asks for the record again (with 2 s, a record retried three times was dead-lettered 4 s later).
   */
  private static void offsetCommits(Map<String, Object> defaults) {
    defaults.put("spring.kafka.listener.ack-mode", "time");
    defaults.put("spring.kafka.listener.ack-time", "1s");
    defaults.put("spring.kafka.listener.poll-timeout", "1s");
  }

  /**
   * Every wait on a Kafka broker is bounded too. A broker cut off the network is fenced by the
   * controller once its heartbeats have been missing for the broker session timeout (9 s), and its
   * partitions and the groups it coordinated move to the others; a client still waiting on it must
   * give up by then, or it waits out Kafka's own defaults (30 s per request, 60 s for a commit),
   * longer than a saga's deadline:
   *
   * <ul>
   *   <li>{@code request.timeout.ms} 5 s, for every client: a fetch, produce, heartbeat or commit
   *       that a broker does not answer is abandoned, the connection closed and the cluster's
   *       metadata fetched again, which names the partition's new leader (a consumer's fetch waits
   *       at most half a second on a healthy broker);
   *   <li>{@code socket.connection.setup.timeout.ms} 3 s, growing to at most 10 s: a broker that
   *       answers no SYN, and the client tries another;
   *   <li>{@code default.api.timeout.ms} 15 s, for consumers and the admin client: a commit or an
   *       offset lookup that no coordinator answers ends and is retried by the container, instead
   *       of holding the partition's records for a minute.
   * </ul>
   */
  private static void kafkaTimeouts(Map<String, Object> defaults) {
    defaults.put("spring.kafka.properties[request.timeout.ms]", "5000");
    defaults.put("spring.kafka.properties[socket.connection.setup.timeout.ms]", "3000");
    defaults.put("spring.kafka.properties[socket.connection.setup.timeout.max.ms]", "10000");
    defaults.put("spring.kafka.consumer.properties[default.api.timeout.ms]", "15000");
    defaults.put("spring.kafka.admin.properties[default.api.timeout.ms]", "15000");
  }

  /**
   * Resilience4j's {@code default} configurations: every instance a service names starts from
   * these, and the service overrides only what its instance needs. Only transient failures (I/O,
   * timeouts, 5xx) are retried or count against a breaker; a 4xx is the caller's mistake. An open
   * breaker shows in health details but never turns health DOWN, so it cannot take an instance out
   * of readiness.
   */
  private static void resilienceDefaults(Map<String, Object> defaults) {
    String transientFailures =
        "java.io.IOException,java.util.concurrent.TimeoutException,"
            + "org.springframework.web.client.ResourceAccessException,"
            + "org.springframework.web.client.HttpServerErrorException";
    String breaker = "resilience4j.circuitbreaker.configs.default.";
    defaults.put(breaker + "sliding-window-type", "COUNT_BASED");
    defaults.put(breaker + "sliding-window-size", "20");
    defaults.put(breaker + "minimum-number-of-calls", "10");
    defaults.put(breaker + "failure-rate-threshold", "50");
    defaults.put(breaker + "slow-call-duration-threshold", "2s");
    defaults.put(breaker + "wait-duration-in-open-state", "5s");
    defaults.put(breaker + "permitted-number-of-calls-in-half-open-state", "3");
    defaults.put(breaker + "automatic-transition-from-open-to-half-open-enabled", "true");
    defaults.put(breaker + "record-exceptions", transientFailures);
    defaults.put(
        breaker + "ignore-exceptions",
        "io.github.resilience4j.bulkhead.BulkheadFullException,"
            + "org.springframework.web.client.HttpClientErrorException");
    defaults.put(breaker + "register-health-indicator", "true");
    defaults.put(breaker + "allow-health-indicator-to-fail", "false");
    String retry = "resilience4j.retry.configs.default.";
    defaults.put(retry + "max-attempts", "3");
    defaults.put(retry + "wait-duration", "100ms");
    defaults.put(retry + "enable-exponential-backoff", "true");
    defaults.put(retry + "exponential-backoff-multiplier", "2");
    defaults.put(retry + "enable-randomized-wait", "true");
    defaults.put(retry + "randomized-wait-factor", "0.5");
    defaults.put(retry + "retry-exceptions", transientFailures);
    defaults.put(
        retry + "ignore-exceptions",
        "io.github.resilience4j.circuitbreaker.CallNotPermittedException,"
            + "io.github.resilience4j.bulkhead.BulkheadFullException");
    defaults.put("resilience4j.bulkhead.configs.default.max-concurrent-calls", "8");
    defaults.put("resilience4j.bulkhead.configs.default.max-wait-duration", "0");
    defaults.put("resilience4j.timelimiter.configs.default.timeout-duration", "1s");
    defaults.put("resilience4j.timelimiter.configs.default.cancel-running-future", "true");
    defaults.put("management.health.circuitbreakers.enabled", "true");
  }
}
