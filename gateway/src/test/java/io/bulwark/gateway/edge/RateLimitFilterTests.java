package io.bulwark.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.gateway.GatewayProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RateLimitFilterTests {

  private final RateLimitFilter filter =
      new RateLimitFilter(new GatewayProperties.RateLimit(2, Duration.ofMinutes(1)), "X-API-Key");

  @Test
  void aClientWithinItsLimitPassesAndTheNextIsRefusedWithRetryAfter() throws Exception {
    assertThat(send("/api/orders", "client-a", "10.0.0.1").getStatus()).isEqualTo(200);
    assertThat(send("/api/orders", "client-a", "10.0.0.1").getStatus()).isEqualTo(200);

    MockHttpServletResponse refused = send("/api/orders", "client-a", "10.0.0.1");

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("60");
    assertThat(refused.getContentType()).startsWith("application/problem+json");
    assertThat(refused.getContentAsString()).contains("At most 2 requests per PT1M");
  }

  @Test
  void anotherClientKeepsItsOwnLimit() throws Exception {
    send("/api/orders", "client-a", "10.0.0.1");
    send("/api/orders", "client-a", "10.0.0.1");
    assertThat(send("/api/orders", "client-a", "10.0.0.1").getStatus()).isEqualTo(429);

    assertThat(send("/api/orders", "client-b", "10.0.0.1").getStatus()).isEqualTo(200);
  }

  @Test
  void withoutTheClientHeaderTheRemoteAddressIsTheClient() throws Exception {
    send("/api/orders", null, "10.0.0.7");
    send("/api/orders", null, "10.0.0.7");

    assertThat(send("/api/orders", null, "10.0.0.7").getStatus()).isEqualTo(429);
    assertThat(send("/api/orders", null, "10.0.0.8").getStatus()).isEqualTo(200);
    assertThat(send("/api/orders", " ", "10.0.0.8").getStatus()).isEqualTo(200);
  }

  @Test
  void onlyTheApiIsLimited() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send("/actuator/health", "client-a", "10.0.0.1").getStatus()).isEqualTo(200);
    }
  }

  private MockHttpServletResponse send(String path, String client, String address)
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    request.setRemoteAddr(address);
    if (client != null) {
      request.addHeader("X-API-Key", client);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    return response;
  }
}
