package io.bulwark.gateway.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every order this gateway replica is asked to place ({@code POST /api/orders}): its answer
 * and how long it took, refusals by the edge (401, 413, 429) included, since it runs before them.
 */
final class OrderTrafficFilter extends OncePerRequestFilter {

  private final OrderTraffic traffic;
  private final String replayHeader;

  OrderTrafficFilter(OrderTraffic traffic, String replayHeader) {
    this.traffic = traffic;
    this.replayHeader = replayHeader;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !("POST".equals(request.getMethod()) && "/api/orders".equals(request.getRequestURI()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = System.nanoTime();
    boolean thrown = true;
    try {
      chain.doFilter(request, response);
      thrown = false;
    } finally {
      int status = thrown ? 500 : response.getStatus();
      traffic.record(
          OrderTraffic.Answer.of(status, "true".equals(response.getHeader(replayHeader))),
          System.nanoTime() - start);
    }
  }
}
