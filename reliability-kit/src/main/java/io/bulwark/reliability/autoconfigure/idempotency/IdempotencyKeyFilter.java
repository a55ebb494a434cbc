package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.idempotency.IdempotencyKeys;
import io.bulwark.reliability.idempotency.IdempotentRequests;
import io.bulwark.reliability.idempotency.IdempotentRequests.Outcome;
import io.bulwark.reliability.idempotency.IdempotentRequests.Result;
import io.bulwark.reliability.idempotency.KeyedRequest;
import io.bulwark.reliability.idempotency.StoredResponse;
import io.bulwark.reliability.web.CachedBodyRequest;
import io.bulwark.reliability.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The HTTP side of the {@code Idempotency-Key} protocol on the configured endpoints: it checks the
 * header and the body, hands the request to {@link IdempotentRequests} (which owns the protocol:
 * replay, lock, one transaction, retries) and writes the answer.
 *
 * <ul>
 *   <li>no key, or a key that is not 1 to n visible ASCII characters: {@code 400}; a body over the
 *       limit: {@code 413};
 *   <li>the same key with the same request again: the stored response, marked by the replay header;
 *   <li>the same key with a different request: {@code 422};
 *   <li>the same key while the first request is still in flight: {@code 409} with {@code
 *       Retry-After};
 *   <li>a success ({@code 2xx}, {@code 3xx}) is stored; a refusal ({@code 4xx}) had no effect and
 *       leaves no trace; a {@code 5xx} rolls back, and a {@code 503} (the database failed under the
 *       request) runs it again;
 *   <li>no transaction to be had, or a commit whose outcome is unknown: {@code 503}, to be retried
 *       with the same key.
 * </ul>
 */
public class IdempotencyKeyFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyFilter.class);

  private static final List<String> STORED_HEADERS =
      List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LANGUAGE);

  private final IdempotencyKeys keys;
  private final IdempotentRequests requests;
  private final IdempotencyProperties properties;
  private final List<Endpoint> endpoints;

  public IdempotencyKeyFilter(
      IdempotencyKeys keys, IdempotentRequests requests, IdempotencyProperties properties) {
    this.keys = keys;
    this.requests = requests;
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

  /**
   * Whose key this is: the authenticated caller, or in an application without authentication the
   * configured client header's value. Never a scope shared by callers nobody knows.
   */
  private @Nullable String scopeOf(HttpServletRequest request) {
    Principal caller = request.getUserPrincipal();
    if (caller != null) {
      return IdempotencyKeys.scopeOf("principal", caller.getName());
    }
    String header = properties.clientHeader();
    String client = header == null ? null : request.getHeader(header);
    return client == null || client.isBlank() ? null : IdempotencyKeys.scopeOf("client", client);
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
      Problems.write(
          response,
          400,
          "Idempotency-Key required",
          "This request must carry an "
              + properties.header()
              + " header: a unique value per operation, sent again unchanged on every retry.");
      return;
    }
    if (!keys.isValidKey(key)) {
      Problems.write(
          response,
          400,
          "Invalid Idempotency-Key",
          "The key must be 1 to " + properties.maxKeyLength() + " visible ASCII characters.");
      return;
    }
    long limit = properties.maxBodySize().toBytes();
    byte[] body = request.getInputStream().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE));
    if (body.length > limit) {
      Problems.write(
          response,
          413,
          "Request body too large",
          "The body may have at most " + limit + " bytes.");
      return;
    }
    String scope = scopeOf(request);
    if (scope == null) {
      response.setHeader("WWW-Authenticate", "Bearer");
      Problems.write(
          response,
          401,
          "Unauthorized",
          "An Idempotency-Key is kept per caller, and this request names none.");
      return;
    }
    String query = request.getQueryString();
    KeyedRequest keyed =
        new KeyedRequest(
            scope,
            key,
            IdempotencyKeys.fingerprint(
                request.getMethod(),
                request.getRequestURI() + (query == null ? "" : "?" + query),
                body));
    CachedBodyRequest replayable = new CachedBodyRequest(request, body);
    Result<ContentCachingResponseWrapper> result;
    try {
      result = requests.execute(keyed, attempt -> run(chain, replayable, response, attempt));
    } catch (ChainFailure e) {
      throw e.unwrap();
    }
    answer(request, response, result);
  }

  /** One attempt: the rest of the chain into a captured response, judged by its status. */
  private static Outcome<ContentCachingResponseWrapper> run(
      FilterChain chain, HttpServletRequest request, HttpServletResponse response, int attempt) {
    if (attempt > 1) {
      resetKeepingCorrelation(response);
    }
    ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, captured);
    } catch (IOException | ServletException e) {
      throw new ChainFailure(e);
    }
    int status = captured.getStatus();
    if (status >= 500) {
      return new Outcome.Failed<>(captured, status == HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    }
    if (status >= 400) {
      return new Outcome.Refused<>(captured);
    }
    return new Outcome.Succeeded<>(captured, stored(captured));
  }

  private void answer(
      HttpServletRequest request,
      HttpServletResponse response,
      Result<ContentCachingResponseWrapper> result)
      throws IOException {
    if (result instanceof Result.Executed<ContentCachingResponseWrapper> executed) {
      executed.response().copyBodyToResponse();
    } else if (result instanceof Result.Replayed<ContentCachingResponseWrapper> replayed) {
      replay(response, replayed.response());
    } else if (result instanceof Result.Mismatched) {
      Problems.write(
          response,
          422,
          "Idempotency-Key reused",
          "This key was used for a different request. Use a new key for a new operation.");
    } else if (result instanceof Result.InFlight) {
      response.setHeader(HttpHeaders.RETRY_AFTER, "1");
      Problems.write(
          response,
          409,
          "Request in progress",
          "A request with this Idempotency-Key is still being processed. Retry shortly.");
    } else if (result instanceof Result.Unavailable<ContentCachingResponseWrapper> unavailable) {
      answerUnavailable(request, response, unavailable);
    }
  }

  private static void answerUnavailable(
      HttpServletRequest request, HttpServletResponse response, Result.Unavailable<?> unavailable)
      throws IOException {
    log.warn(
        "{} for {} {}: {}",
        unavailable.outcomeUnknown() ? "commit outcome unknown" : "database unavailable",
        request.getMethod(),
        request.getRequestURI(),
        String.valueOf(unavailable.cause().getCause()));
    resetKeepingCorrelation(response);
    response.setHeader(HttpHeaders.RETRY_AFTER, "1");
    if (unavailable.outcomeUnknown()) {
      Problems.write(
          response,
          503,
          "Outcome unknown",
          "The request may or may not have taken effect. Retry with the same Idempotency-Key.");
    } else {
      Problems.write(
          response,
          503,
          "Temporarily unavailable",
          "Nothing was done. Retry shortly with the same Idempotency-Key.");
    }
  }

  private static void resetKeepingCorrelation(HttpServletResponse response) {
    response.reset();
    String correlation = CorrelationId.current();
    if (correlation != null) {
      response.setHeader(CorrelationId.HEADER, correlation);
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

  /** Carries the filter chain's checked exceptions out of the transaction. */
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
