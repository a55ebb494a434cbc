package io.bulwark.reliability.autoconfigure.web;

import io.bulwark.reliability.correlation.CorrelationId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a correlation id: the one it brought in {@code X-Correlation-Id} when valid,
 * else its trace's id where the request is traced, else a new one, so a user has one id to quote
 * and to find the trace by. The id is returned in the response header, set in the logging MDC for
 * the whole request, visible to code downstream (a proxied request carries it on), stored with any
 * event the request causes, and, when it is not the trace's id, kept on the request's span as
 * {@code bulwark.correlation_id}.
 */
public class CorrelationIdFilter extends OncePerRequestFilter {

  /** The span the request runs in, where tracing is on. */
  public interface CurrentTrace {
    CurrentTrace NONE =
        new CurrentTrace() {
          @Override
          public @Nullable String traceId() {
            return null;
          }

          @Override
          public void tag(String key, String value) {}
        };

    @Nullable String traceId();

    void tag(String key, String value);
  }

  static final String SPAN_TAG = "bulwark.correlation_id";

  private final CurrentTrace trace;

  public CorrelationIdFilter(CurrentTrace trace) {
    this.trace = trace;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String received = request.getHeader(CorrelationId.HEADER);
    String traceId = trace.traceId();
    String id = CorrelationId.isValid(received) ? received : CorrelationId.orNew(traceId);
    if (!id.equals(traceId)) {
      trace.tag(SPAN_TAG, id);
    }
    response.setHeader(CorrelationId.HEADER, id);
    HttpServletRequest carrying = id.equals(received) ? request : new WithHeader(request, id);
    try (CorrelationId.Scope scope = CorrelationId.open(id)) {
      chain.doFilter(carrying, new KeepingHeader(response, id));
    }
  }

  /**
   * The response with its correlation header set once, here: a proxied answer's own copy (the
   * gateway's upstream answers with the same id) is not added a second time, and a reset (a
   * replayed or refused keyed request) keeps it.
   */
  private static final class KeepingHeader extends HttpServletResponseWrapper {
    private final String id;

    KeepingHeader(HttpServletResponse response, String id) {
      super(response);
      this.id = id;
    }

    @Override
    public void reset() {
      super.reset();
      ((HttpServletResponse) getResponse()).setHeader(CorrelationId.HEADER, id);
    }

    @Override
    public void setHeader(String name, String value) {
      if (!CorrelationId.HEADER.equalsIgnoreCase(name)) {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      if (!CorrelationId.HEADER.equalsIgnoreCase(name)) {
        super.addHeader(name, value);
      }
    }
  }

  /** The request with the correlation header set to the id in use. */
  private static final class WithHeader extends HttpServletRequestWrapper {
    private final String id;

    WithHeader(HttpServletRequest request, String id) {
      super(request);
      this.id = id;
    }

    @Override
    public String getHeader(String name) {
      return CorrelationId.HEADER.equalsIgnoreCase(name) ? id : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return CorrelationId.HEADER.equalsIgnoreCase(name)
          ? Collections.enumeration(List.of(id))
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = new ArrayList<>();
      Collections.list(super.getHeaderNames()).stream()
          .filter(n -> !CorrelationId.HEADER.equalsIgnoreCase(n))
          .forEach(names::add);
      names.add(CorrelationId.HEADER);
      return Collections.enumeration(names);
    }
  }
}
