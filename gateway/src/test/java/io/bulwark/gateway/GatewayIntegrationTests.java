package io.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.net.StubHttpServer;
import io.bulwark.fixtures.net.StubHttpServer.Mode;
import io.bulwark.fixtures.net.StubHttpServer.Reply;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.process.FreePorts;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in front of two instances of each service, played by real HTTP servers whose faults
 * the tests switch on: errors, stalls, an instance that is down.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bulwark.gateway.rate-limit.limit-for-period=20",
      "bulwark.gateway.rate-limit.period=10s",
      "bulwark.gateway.max-body-size=1KB",
      "bulwark.gateway.allowed-origins=https://shop.example",
      "resilience4j.circuitbreaker.instances.orders.sliding-window-size=4",
      "resilience4j.circuitbreaker.instances.orders.minimum-number-of-calls=4",
      "resilience4j.circuitbreaker.instances.orders.wait-duration-in-open-state=30s",
      "resilience4j.timelimiter.instances.orders.timeout-duration=700ms"
    })
class GatewayIntegrationTests {

  static final StubHttpServer ORDERS_A = stub("orders-a");
  static final StubHttpServer ORDERS_B = stub("orders-b");
  static final StubHttpServer INVENTORY_A = stub("inventory-a");
  static final StubHttpServer INVENTORY_B = stub("inventory-b");

  private static StubHttpServer stub(String name) {
    return new StubHttpServer(
        FreePorts.next(), request -> new Reply(200, "{\"instance\":\"" + name + "\"}"));
  }

  @DynamicPropertySource
  static void instances(DynamicPropertyRegistry registry) {
    String simple = "spring.cloud.discovery.client.simple.instances.";
    registry.add(simple + "order-service[0].uri", ORDERS_A::url);
    registry.add(simple + "order-service[1].uri", ORDERS_B::url);
    registry.add(simple + "inventory-service[0].uri", INVENTORY_A::url);
    registry.add(simple + "inventory-service[1].uri", INVENTORY_B::url);
  }

  @LocalServerPort int port;
  @Autowired CircuitBreakerRegistry breakers;

  private HttpJson http;
  private String client;

  @BeforeEach
  void healthyInstances() {
    Stream.of(ORDERS_A, ORDERS_B, INVENTORY_A, INVENTORY_B)
        .forEach(
            s -> {
              s.start();
              s.mode(Mode.ANSWER);
            });
    breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    http = new HttpJson("http://127.0.0.1:" + port);
    client = "client-" + UUID.randomUUID(); // each test its own rate-limit bucket
  }

  @Test
  void requestsAreSpreadOverBothInstancesOfAService() {
    int a = ORDERS_A.requests();
    int b = ORDERS_B.requests();

    for (int i = 0; i < 6; i++) {
      assertThat(get("/api/orders/" + UUID.randomUUID()).status()).isEqualTo(200);
    }

    assertThat(ORDERS_A.requests() - a).isPositive();
    assertThat(ORDERS_B.requests() - b).isPositive();
  }

  @Test
  void aGetThatFailsOnOneInstanceIsRetriedOnTheOther() {
    ORDERS_A.mode(Mode.SERVER_ERROR);
    int failedOnA = ORDERS_A.requests();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(get("/api/orders/" + UUID.randomUUID()).status());
    }

    assertThat(statuses).containsOnly(200);
    assertThat(ORDERS_A.requests() - failedOnA)
        .as("some first attempts hit the failing one")
        .isPositive();
  }

  @Test
  void aGetToAnInstanceThatIsDownIsRetriedOnTheOther() {
    ORDERS_A.stop();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(get("/api/orders/" + UUID.randomUUID()).status());
    }

    assertThat(statuses).containsOnly(200);
  }

  @Test
  void aPostWithAnIdempotencyKeyIsRetriedOnTheOtherInstanceAndOneWithoutIsNot() {
    ORDERS_A.mode(Mode.SERVER_ERROR);
    int before = ORDERS_A.requests() + ORDERS_B.requests();

    List<Integer> keyed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keyed.add(
          post("/api/orders", "{}", Map.of("Idempotency-Key", UUID.randomUUID().toString()))
              .status());
    }
    int afterKeyed = ORDERS_A.requests() + ORDERS_B.requests();
    List<Integer> unkeyed = new ArrayList<>();
    for (int i = 0; i < 2; i++) { // round robin: one to each instance
      unkeyed.add(post("/api/orders", "{}", Map.of()).status());
    }
    int afterUnkeyed = ORDERS_A.requests() + ORDERS_B.requests();

    assertThat(keyed).containsOnly(200);
    assertThat(afterKeyed - before)
        .as("the keyed ones that failed were sent again")
        .isGreaterThan(4);
    assertThat(afterUnkeyed - afterKeyed).as("each unkeyed POST was sent once").isEqualTo(2);
    assertThat(unkeyed).contains(500);
    Stream.of(ORDERS_A, ORDERS_B)
        .flatMap(instance -> instance.received().stream())
        .filter(request -> request.method().equals("POST"))
        .forEach(
            request ->
                assertThat(request.body()).as("every attempt carries the body").isEqualTo("{}"));
  }

  @Test
  void whenEveryInstanceFailsTheBreakerOpensAndAnswers503WithRetryAfter() {
    ORDERS_A.mode(Mode.SERVER_ERROR);
    ORDERS_B.mode(Mode.SERVER_ERROR);
    for (int i = 0; i < 4; i++) {
      get("/api/orders/" + UUID.randomUUID());
    }
    assertThat(breakers.circuitBreaker("orders").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    int before = ORDERS_A.requests() + ORDERS_B.requests();

    Response response = get("/api/orders/" + UUID.randomUUID());

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.header("Retry-After")).isEqualTo("30");
    assertThat(ORDERS_A.requests() + ORDERS_B.requests())
        .as("not called while open")
        .isEqualTo(before);
    assertThat(get("/api/inventory/SKU-1").status())
        .as("the other route has its own breaker")
        .isEqualTo(200);
  }

  @Test
  void aStalledServiceIsCutOffAtItsRouteTimeLimit() {
    ORDERS_A.mode(Mode.STALL);
    ORDERS_B.mode(Mode.STALL);
    ORDERS_A.stallFor(3_000);
    ORDERS_B.stallFor(3_000);

    Response response = get("/api/orders/" + UUID.randomUUID());

    assertThat(response.status()).isEqualTo(504);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void aClientOverItsRateLimitGets429WithRetryAfterAndOthersAreNotAffected() {
    List<Response> burst = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      burst.add(get("/api/inventory/SKU-1"));
    }

    assertThat(burst.subList(0, 20)).allMatch(r -> r.status() == 200);
    Response limited = burst.get(24);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("10");
    assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
    client = "someone-else";
    assertThat(get("/api/inventory/SKU-1").status()).isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIs413AndNeverReachesAService() {
    int before = ORDERS_A.requests() + ORDERS_B.requests();

    Response response = post("/api/orders", "{\"pad\":\"" + "x".repeat(2_000) + "\"}", Map.of());

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(ORDERS_A.requests() + ORDERS_B.requests()).isEqualTo(before);
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    Response response =
        http.send(
            "POST", "/api/orders", "<order/>", "application/xml", Map.of("X-API-Key", client));

    assertThat(response.status()).isEqualTo(415);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void everyRequestGetsACorrelationIdThatIsReturnedAndPassedOn() {
    Response response = get("/api/inventory/SKU-1");

    String id = response.header("X-Correlation-Id");
    assertThat(id).isNotBlank();
    List<StubHttpServer.Request> seen = new ArrayList<>(INVENTORY_A.received());
    seen.addAll(INVENTORY_B.received());
    assertThat(seen).anySatisfy(r -> assertThat(r.header("X-Correlation-Id")).isEqualTo(id));
  }

  @Test
  void aValidIncomingCorrelationIdIsKept() {
    Response response =
        http.send(
            "GET",
            "/api/inventory/SKU-1",
            null,
            null,
            Map.of("X-API-Key", client, "X-Correlation-Id", "trace-from-the-browser-1"));

    assertThat(response.header("X-Correlation-Id")).isEqualTo("trace-from-the-browser-1");
  }

  @Test
  void aBrowserFromAnAllowedOriginPassesThePreflightAndOthersDoNot() {
    Response allowed =
        http.send(
            "OPTIONS",
            "/api/orders",
            null,
            null,
            Map.of(
                "Origin", "https://shop.example",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type,idempotency-key"));
    Response refused =
        http.send(
            "OPTIONS",
            "/api/orders",
            null,
            null,
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  void eachServicesOpenApiDocumentIsReachableThroughTheGatewayWithSwaggerUi() {
    Response docs = get("/docs/orders/v3/api-docs");
    Response ui = get("/swagger-ui/index.html");
    Response uiConfig = get("/v3/api-docs/swagger-config");

    assertThat(docs.status()).isEqualTo(200);
    List<StubHttpServer.Request> seen = new ArrayList<>(ORDERS_A.received());
    seen.addAll(ORDERS_B.received());
    assertThat(seen).anySatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo("/v3/api-docs"));
    assertThat(ui.status()).isEqualTo(200);
    assertThat(uiConfig.body()).contains("/docs/orders/v3/api-docs", "/docs/inventory/v3/api-docs");
  }

  @Test
  void anUnknownPathIsANotFoundProblem() {
    Response response = get("/api/nothing-here");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  private Response get(String path) {
    return http.send("GET", path, null, null, Map.of("X-API-Key", client));
  }

  private Response post(String path, String body, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("X-API-Key", client);
    return http.send("POST", path, body, "application/json", all);
  }
}
