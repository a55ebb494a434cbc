package io.bulwark.reliability.autoconfigure.web;

import io.bulwark.reliability.correlation.CorrelationId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a correlation id: the one it brought in {@code X-Correlation-Id} when valid,
 * else a new one. The id is returned in the response header, set in the logging MDC for the whole
 * request, visible to code downstream (a proxied request carries it on) and stored with any event
 * the request causes.
 */
public class CorrelationIdFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String received = request.getHeader(CorrelationId.HEADER);
    String id = CorrelationId.orNew(received);
    response.setHeader(CorrelationId.HEADER, id);
    HttpServletRequest carrying = id.equals(received) ? request : new WithHeader(request, id);
    try (CorrelationId.Scope scope = CorrelationId.open(id)) {
      chain.doFilter(carrying, response);
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
