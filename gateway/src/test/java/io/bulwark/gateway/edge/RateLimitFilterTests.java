package io.bulwark.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.gateway.GatewayProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RateLimitFilterTests {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final RateLimitFilter filter =
      new RateLimitFilter(new GatewayProperties.RateLimit(2, Duration.ofMinutes(1), 3), clock::get);

  @Test
  void aCallerWithinItsLimitPassesAndTheNextIsRefusedWithTheRealWait() throws Exception {
    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(200);
    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(200);

    MockHttpServletResponse refused = send("/api/orders", "alice");

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).as("one token per 30 s").isEqualTo("30");
    assertThat(refused.getContentType()).startsWith("application/problem+json");
    assertThat(refused.getContentAsString()).contains("At most 2 requests per PT1M");

    clock.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(send("/api/orders", "alice").getHeader("Retry-After")).isEqualTo("10");
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(200);
  }

  @Test
  void anotherCallerKeepsItsOwnLimit() throws Exception {
    send("/api/orders", "alice");
    send("/api/orders", "alice");
    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(429);

    assertThat(send("/api/orders", "bob").getStatus()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutACallerIsLeftToTheAuthorizationRules() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send("/api/orders", null).getStatus()).isEqualTo(200);
    }
    assertThat(filter.trackedClients()).isZero();
  }

  @Test
  void theTableIsBoundedAndKeepsTheBusiestCallersCount() throws Exception {
    send("/api/orders", "alice");
    send("/api/orders", "alice");
    for (int i = 0; i < 50; i++) {
      send("/api/orders", "alice");
      send("/api/orders", "passer-by-" + i);
    }

    assertThat(filter.trackedClients()).isLessThanOrEqualTo(3);
    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(429);
  }

  @Test
  void aCallerThatUsedUpItsLimitKeepsItsCountThroughACrowdTenTimesTheTable() throws Exception {
    send("/api/orders", "alice");
    send("/api/orders", "alice");
    for (int i = 0; i < 30; i++) {
      assertThat(send("/api/orders", "passer-by-" + i).getStatus()).isEqualTo(200);
      assertThat(filter.trackedClients()).isLessThanOrEqualTo(3);
    }

    assertThat(send("/api/orders", "alice").getStatus()).isEqualTo(429);
  }

  @Test
  void aFullTableDropsTheCallersWhoseAllowanceRefilledBeforeThoseStillSpent() throws Exception {
    send("/api/orders", "early");
    send("/api/orders", "early");
    clock.addAndGet(Duration.ofMinutes(1).toNanos()); // early's bucket is full again
    send("/api/orders", "late");
    send("/api/orders", "late");
    send("/api/orders", "third");

    send("/api/orders", "newcomer");

    assertThat(filter.trackedClients()).isLessThanOrEqualTo(3);
    assertThat(send("/api/orders", "late").getStatus()).as("late keeps its count").isEqualTo(429);
    assertThat(send("/api/orders", "early").getStatus()).isEqualTo(200);
    assertThat(send("/api/orders", "early").getStatus())
        .as("early came back with the full allowance it had anyway")
        .isEqualTo(200);
  }

  @Test
  void onlyTheApiIsLimited() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send("/swagger-ui/index.html", "alice").getStatus()).isEqualTo(200);
    }
  }

  private MockHttpServletResponse send(String path, String caller) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    if (caller != null) {
      request.setUserPrincipal(() -> caller);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    return response;
  }
}
