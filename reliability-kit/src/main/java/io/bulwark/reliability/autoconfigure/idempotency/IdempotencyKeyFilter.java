package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.autoconfigure.web.CachedBodyRequest;
import io.bulwark.reliability.autoconfigure.web.Problems;
import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.failover.TransientFailures;
import io.bulwark.reliability.idempotency.IdempotencyKeys;
import io.bulwark.reliability.idempotency.IdempotencyKeys.Decision;
import io.bulwark.reliability.idempotency.StoredResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The HTTP {@code Idempotency-Key} header on the configured endpoints. The key check, the request's
 * effect and the stored response share one database transaction (the endpoint's own
 * {@code @Transactional} methods join it), and the response leaves only after the commit: a client
 * that saw no answer retries with the same key and gets the outcome that was committed, or a first
 * execution if nothing was.
 *
 * <ul>
 *   <li>no key, or a key that is not 1 to n visible ASCII characters: {@code 400};
 *   <li>the same key with the same request again: the stored response, marked by the replay header,
 *       without acting again;
 *   <li>the same key with a different request: {@code 422};
 *   <li>the same key while the first request is still in flight: {@code 409} with {@code
 *       Retry-After};
 *   <li>only a success ({@code 2xx}, {@code 3xx}) is stored: a refused request ({@code 4xx}) had no
 *       effect and leaves no trace, so the client may correct it and retry with the same key; a
 *       {@code 5xx} or a rolled-back transaction stores nothing either, so a retry acts afresh;
 *   <li>a transient database failure before the commit (a failover: the connection lost, a standby
 *       reached) rolled everything back, so the request runs again, up to three times;
 *   <li>a commit whose outcome is unknown: {@code 503}, retry with the same key, which finds the
 *       stored response if the commit did happen.
 * </ul>
 */
public class IdempotencyKeyFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyFilter.class);

  /** Attempts of a request whose transaction failed transiently before its commit. */
  private static final int ATTEMPTS = 3;

  private static final long RETRY_PAUSE_MILLIS = 250;
  private static final List<String> STORED_HEADERS =
      List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LANGUAGE);

  private final IdempotencyKeys keys;
  private final TransactionTemplate transactions;
  private final IdempotencyProperties properties;
  private final List<Endpoint> endpoints;

  public IdempotencyKeyFilter(
      IdempotencyKeys keys, TransactionTemplate transactions, IdempotencyProperties properties) {
    this.keys = keys;
    this.transactions = transactions;
    this.properties = properties;
    this.endpoints = properties.endpoints().stream().map(Endpoint::parse).toList();
  }

  private record Endpoint(String method, PathPattern path) {
    static Endpoint parse(String text) {
      String[] parts = text.trim().split("\\s+", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("expected 'METHOD /path', got '" + text + "'");
      }
      return new Endpoint(
          parts[0].toUpperCase(), PathPatternParser.defaultInstance.parse(parts[1]));
    }

    boolean matches(HttpServletRequest request) {
      return method.equals(request.getMethod())
          && path.matches(PathContainer.parsePath(request.getRequestURI()));
    }
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return endpoints.stream().noneMatch(e -> e.matches(request));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = request.getHeader(properties.header());
    if (key == null) {
      problem(
          response,
          400,
          "Idempotency-Key required",
          "This request must carry an "
              + properties.header()
              + " header: a unique value per operation, sent again unchanged on every retry.");
      return;
    }
    if (!keys.isValidKey(key)) {
      problem(
          response,
          400,
          "Invalid Idempotency-Key",
          "The key must be 1 to " + properties.maxKeyLength() + " visible ASCII characters.");
      return;
    }
    long limit = properties.maxBodySize().toBytes();
    byte[] body = request.getInputStream().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE));
    if (body.length > limit) {
      problem(
          response,
          413,
          "Request body too large",
          "The body may have at most " + limit + " bytes.");
      return;
    }
    String scope = IdempotencyKeys.scopeOf(request.getHeader(properties.clientHeader()));
    String query = request.getQueryString();
    byte[] fingerprint =
        IdempotencyKeys.fingerprint(
            request.getMethod(),
            request.getRequestURI() + (query == null ? "" : "?" + query),
            body);
    Optional<Decision> completed = completedOrEmpty(scope, key, fingerprint);
    if (completed.isPresent()) {
      answer(response, completed.get());
      return;
    }
    CachedBodyRequest replayable = new CachedBodyRequest(request, body);
    ContentCachingResponseWrapper captured;
    Decision decision;
    for (int attempt = 1; ; attempt++) {
      ContentCachingResponseWrapper attemptResponse = new ContentCachingResponseWrapper(response);
      Phase[] phase = {Phase.BEGIN};
      try {
        decision =
            transactions.execute(
                status -> {
                  Decision d = keys.begin(scope, key, fingerprint);
                  if (d instanceof Decision.Proceed) {
                    phase[0] = Phase.WORK;
                    proceed(chain, replayable, attemptResponse);
                    if (status.isRollbackOnly() || attemptResponse.getStatus() >= 500) {
                      status.setRollbackOnly();
                      phase[0] = Phase.ROLLBACK;
                      return d;
                    }
                    if (attemptResponse.getStatus() < 400) {
                      keys.complete(scope, key, fingerprint, stored(attemptResponse));
                    }
                  }
                  phase[0] = Phase.COMMIT;
                  return d;
                });
      } catch (TransactionException e) {
        if (phase[0] != Phase.COMMIT && TransientFailures.isTransient(e) && attempt < ATTEMPTS) {
          resetForRetry(response, attempt);
          continue;
        }
        answerUnavailable(request, response, e, phase[0] == Phase.COMMIT);
        return;
      } catch (ChainFailure e) {
        throw e.unwrap();
      }
      if (phase[0] == Phase.ROLLBACK
          && attemptResponse.getStatus() == HttpServletResponse.SC_SERVICE_UNAVAILABLE
          && attempt < ATTEMPTS) {
        // the database failed under the request and everything rolled back: run it again
        resetForRetry(response, attempt);
        continue;
      }
      captured = attemptResponse;
      break;
    }

    if (decision instanceof Decision.Proceed) {
      captured.copyBodyToResponse();
    } else {
      answer(response, decision);
    }
  }

  /**
   * A key whose first request completed is answered from one read, before any transaction or lock.
   * If that read fails (a failover), the transactional path decides, with its retries.
   */
  private Optional<Decision> completedOrEmpty(String scope, String key, byte[] fingerprint) {
    try {
      return keys.completed(scope, key, fingerprint);
    } catch (RuntimeException e) {
      log.debug("idempotency key lookup failed, deciding in the transaction: {}", e.toString());
      return Optional.empty();
    }
  }

  private void answer(HttpServletResponse response, Decision decision) throws IOException {
    if (decision instanceof Decision.Replay replay) {
      replay(response, replay.response());
    } else if (decision instanceof Decision.Mismatch) {
      problem(
          response,
          422,
          "Idempotency-Key reused",
          "This key was used for a different request. Use a new key for a new operation.");
    } else {
      response.setHeader(HttpHeaders.RETRY_AFTER, "1");
      problem(
          response,
          409,
          "Request in progress",
          "A request with this Idempotency-Key is still being processed. Retry shortly.");
    }
  }

  /** Where the transaction was when something failed: only a commit leaves the outcome unknown. */
  private enum Phase {
    BEGIN,
    WORK,
    ROLLBACK,
    COMMIT
  }

  private static void resetForRetry(HttpServletResponse response, int attempt) {
    resetKeepingCorrelation(response);
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void resetKeepingCorrelation(HttpServletResponse response) {
    response.reset();
    String correlation = CorrelationId.current();
    if (correlation != null) {
      response.setHeader(CorrelationId.HEADER, correlation);
    }
  }

  private static void answerUnavailable(
      HttpServletRequest request, HttpServletResponse response, Exception e, boolean committing)
      throws IOException {
    log.warn(
        "{} for {} {}: {}",
        committing ? "commit outcome unknown" : "database unavailable",
        request.getMethod(),
        request.getRequestURI(),
        e.toString());
    resetKeepingCorrelation(response);
    response.setHeader(HttpHeaders.RETRY_AFTER, "1");
    if (committing) {
      problem(
          response,
          503,
          "Outcome unknown",
          "The request may or may not have taken effect. Retry with the same Idempotency-Key.");
    } else {
      problem(
          response,
          503,
          "Temporarily unavailable",
          "Nothing was done. Retry shortly with the same Idempotency-Key.");
    }
  }

  private static void proceed(
      FilterChain chain, HttpServletRequest request, HttpServletResponse response) {
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException e) {
      throw new ChainFailure(e);
    }
  }

  private static StoredResponse stored(ContentCachingResponseWrapper response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : STORED_HEADERS) {
      String value = response.getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return new StoredResponse(response.getStatus(), headers, response.getContentAsByteArray());
  }

  private void replay(HttpServletResponse response, StoredResponse stored) throws IOException {
    response.setStatus(stored.status());
    stored.headers().forEach(response::setHeader);
    response.setHeader(properties.replayHeader(), "true");
    byte[] body = stored.body();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void problem(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    Problems.write(response, status, title, detail);
  }

  /** Carries the filter chain's checked exceptions out of the transaction callback. */
  private static final class ChainFailure extends RuntimeException {
    ChainFailure(Exception cause) {
      super(cause);
    }

    RuntimeException unwrap() throws IOException, ServletException {
      if (getCause() instanceof IOException io) {
        throw io;
      }
      if (getCause() instanceof ServletException servlet) {
        throw servlet;
      }
      throw new UncheckedIOException(new IOException(getCause()));
    }
  }
}
