package io.bulwark.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.retry.RetryException;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

class SafeRetryTests {

  private static final String KEY = "Idempotency-Key";

  private final HandlerFilterFunction<ServerResponse, ServerResponse> retry =
      SafeRetry.safeRetry(2, Duration.ofMillis(1), KEY);

  @Test
  void readsAndKeyedPostsAreSafeToSendAgain() {
    assertThat(SafeRetry.isSafe(request("GET", null), KEY)).isTrue();
    assertThat(SafeRetry.isSafe(request("HEAD", null), KEY)).isTrue();
    assertThat(SafeRetry.isSafe(request("POST", "k-1"), KEY)).isTrue();
  }

  @Test
  void unkeyedPostsAndOtherWritesAreNot() {
    assertThat(SafeRetry.isSafe(request("POST", null), KEY)).isFalse();
    assertThat(SafeRetry.isSafe(request("PUT", "k-1"), KEY)).isFalse();
    assertThat(SafeRetry.isSafe(request("DELETE", null), KEY)).isFalse();
    assertThat(SafeRetry.isSafe(request("POST", "k-1"), "Other-Key")).isFalse();
  }

  @Test
  void aKeyedPostThatFailsWithAServerErrorIsSentAgainUpToTheRetriesThenGivenUp() {
    AtomicInteger attempts = new AtomicInteger();

    // the route's guard turns the exhausted retries into the route's own error response
    assertThatThrownBy(
            () ->
                retry.filter(
                    request("POST", "k-1"),
                    r -> {
                      attempts.incrementAndGet();
                      return ServerResponse.status(HttpStatus.BAD_GATEWAY).build();
                    }))
        .isInstanceOf(RetryException.class);
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aKeyedPostThatSucceedsOnItsRetryAnswersWithThatSuccess() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    ServerResponse response =
        retry.filter(
            request("POST", "k-1"),
            r ->
                attempts.incrementAndGet() == 1
                    ? ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).build()
                    : ServerResponse.status(HttpStatus.CREATED).build());

    assertThat(attempts).hasValue(2);
    assertThat(response.statusCode()).isEqualTo(HttpStatus.CREATED);
  }

  @Test
  void anUnkeyedPostIsSentOnceWhateverItsAnswer() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    retry.filter(
        request("POST", null),
        r -> {
          attempts.incrementAndGet();
          return ServerResponse.status(HttpStatus.BAD_GATEWAY).build();
        });

    assertThat(attempts).hasValue(1);
  }

  @Test
  void aClientErrorIsNeverRetried() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    retry.filter(
        request("GET", null),
        r -> {
          attempts.incrementAndGet();
          return ServerResponse.status(HttpStatus.CONFLICT).build();
        });

    assertThat(attempts).hasValue(1);
  }

  private static ServerRequest request(String method, String key) {
    MockHttpServletRequest servlet = new MockHttpServletRequest(method, "/api/orders");
    if (key != null) {
      servlet.addHeader(KEY, key);
    }
    return ServerRequest.create(servlet, List.of(new StringHttpMessageConverter()));
  }
}
