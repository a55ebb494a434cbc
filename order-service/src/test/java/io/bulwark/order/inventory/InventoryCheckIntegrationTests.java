package io.bulwark.order.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.net.StubHttpServer.Mode;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.order.OrderServiceTestBase;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

/**
 * Placing an order asks the inventory over HTTP first about SKUs it has not confirmed before. Each
 * fault of the inventory is injected into a real HTTP server, and the order service must keep
 * accepting orders while the breaker counts exactly what it should. Each test orders a SKU of its
 * own, so that no earlier confirmation spares the call.
 */
class InventoryCheckIntegrationTests extends OrderServiceTestBase {

  @Autowired CircuitBreakerRegistry breakers;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired OAuth2AuthorizedClientService authorizedClients;

  private CircuitBreaker breaker;
  private String sku = "";
  private String order = "";

  @BeforeEach
  void aSkuNeverAskedAbout() {
    sku = "SKU-" + UUID.randomUUID();
    order = OrderRequest.of(sku, 1).json();
  }

  @BeforeEach
  void healthyInventory() {
    INVENTORY.start();
    INVENTORY.mode(Mode.ANSWER);
    INVENTORY.unknown(Set.of());
    breaker = breakers.circuitBreaker("inventory");
    breaker.reset();
  }

  @AfterEach
  void restoreInventory() {
    // an open breaker has a timer pending that would half-open it during the next test
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> breaker.getState() != CircuitBreaker.State.OPEN);
    healthyInventory();
  }

  @Test
  void anOrderForAnUnknownSkuIsRefusedBeforeAnythingIsStored() {
    INVENTORY.unknown(Set.of("GHOST-1"));
    long before = orders();

    Response response =
        http().postOnce("/api/orders", OrderRequest.of(sku, 1).line("GHOST-1", 1).json());

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body()).contains("\"field\":\"items[1].sku\"", "unknown SKU");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void aFailingInventoryIsRetriedEveryAttemptCountsAgainstTheBreakerAndTheOrderIsAccepted() {
    INVENTORY.mode(Mode.SERVER_ERROR);
    int before = INVENTORY.requests();

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.body()).contains("\"status\":\"PENDING\"");
    assertThat(INVENTORY.requests() - before).as("three attempts").isEqualTo(3);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls())
        .as("the breaker sees each attempt, because the retry wraps it")
        .isEqualTo(3);
  }

  @Test
  void anOpenBreakerStopsCallingTheInventoryWhileOrdersKeepBeingAccepted() {
    INVENTORY.mode(Mode.SERVER_ERROR);
    http().postOnce("/api/orders", order);
    http().postOnce("/api/orders", order);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    int before = INVENTORY.requests();

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(INVENTORY.requests()).as("no call, and no retry, while open").isEqualTo(before);
    assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
  }

  @Test
  void anOpenBreakerShowsInHealthButNeverTakesTheInstanceOutOfReadiness() {
    INVENTORY.mode(Mode.SERVER_ERROR);
    http().postOnce("/api/orders", order);
    http().postOnce("/api/orders", order);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    Response readiness = management().get("/actuator/health/readiness");
    Response health = management().get("/actuator/health");
    Response metrics =
        management()
            .send("GET", "/actuator/prometheus", null, null, Map.of("Accept", "text/plain"));

    assertThat(readiness.status()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"status\":\"UP\"");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).contains("\"circuitBreakers\"", "\"inventory\"", "OPEN");
    assertThat(metrics.body())
        .contains("resilience4j_circuitbreaker_state{", "name=\"inventory\"")
        .contains("resilience4j_circuitbreaker_calls_seconds_count{");
  }

  @Test
  void anOpenBreakerHalfOpensAfterItsWaitAndClosesWhenTheInventoryAnswersAgain() {
    INVENTORY.mode(Mode.SERVER_ERROR);
    http().postOnce("/api/orders", order);
    http().postOnce("/api/orders", order);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    INVENTORY.mode(Mode.ANSWER);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
    // two SKUs never confirmed, so each order makes a trial call
    http().postOnce("/api/orders", OrderRequest.of("SKU-" + UUID.randomUUID(), 1).json());
    http().postOnce("/api/orders", OrderRequest.of("SKU-" + UUID.randomUUID(), 1).json());

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aStalledInventoryIsCutOffByTheTimeLimiterAndCountedAsAFailure() {
    INVENTORY.mode(Mode.STALL);

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
  }

  @Test
  void aClientErrorFromTheInventoryIsNeitherRetriedNorCountedAgainstIt() {
    INVENTORY.mode(Mode.CLIENT_ERROR);
    int before = INVENTORY.requests();

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(INVENTORY.requests() - before).isEqualTo(1);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void anInventoryThatIsDownLeavesPlacingOrdersWorking() {
    INVENTORY.stop();

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.body()).contains("\"status\":\"PENDING\"");
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
  }

  @Test
  void aSkuTheInventoryConfirmedIsNotAskedAboutAgain() {
    int before = INVENTORY.requests();
    double remembered = checks("remembered");

    Response first = http().postOnce("/api/orders", order);
    Response second = http().postOnce("/api/orders", order);

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(INVENTORY.requests() - before).as("one call, for the first order").isEqualTo(1);
    assertThat(checks("remembered") - remembered).isEqualTo(1);
  }

  @Test
  void anOrderForConfirmedSkusNeedsNoInventoryAtAll() {
    http().postOnce("/api/orders", order);
    INVENTORY.stop();
    double unverified = checks("unverified");

    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(checks("unverified")).as("verified from what was confirmed").isEqualTo(unverified);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void anUnknownSkuIsAskedAboutAgainAndAcceptedOnceTheInventoryKnowsIt() {
    INVENTORY.unknown(Set.of(sku));
    int before = INVENTORY.requests();
    assertThat(http().postOnce("/api/orders", order).status()).isEqualTo(422);

    INVENTORY.unknown(Set.of());
    Response response = http().postOnce("/api/orders", order);

    assertThat(response.status()).isEqualTo(201);
    assertThat(INVENTORY.requests() - before).as("asked both times").isEqualTo(2);
  }

  @Test
  void aBurstOfFirstCallsFetchesOneMachineTokenForAllOfThem() throws Exception {
    authorizedClients.removeAuthorizedClient(
        InventoryClientConfiguration.REGISTRATION, "order-service");
    ISSUER.grantsTake(Duration.ofMillis(100));
    int grants = ISSUER.grants();
    int burst = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> responses = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(burst);
    try {
      for (int i = 0; i < burst; i++) {
        String newSku = "SKU-" + UUID.randomUUID();
        responses.add(
            callers.submit(
                () -> {
                  start.await();
                  return http().postOnce("/api/orders", OrderRequest.of(newSku, 1).json());
                }));
      }
      start.countDown();
      for (Future<Response> response : responses) {
        assertThat(response.get().status()).isEqualTo(201);
      }
    } finally {
      callers.shutdownNow();
      ISSUER.grantsTake(Duration.ZERO);
    }

    assertThat(ISSUER.grants() - grants).as("token requests").isEqualTo(1);
  }

  private double checks(String outcome) {
    Counter counter = meters.find("bulwark.inventory.check").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private long orders() {
    return jdbc.sql("SELECT count(*) FROM orders").query(Long.class).single();
  }
}
