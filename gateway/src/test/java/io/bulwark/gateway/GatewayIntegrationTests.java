package io.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.fixtures.net.StubHttpServer;
import io.bulwark.fixtures.net.StubHttpServer.Mode;
import io.bulwark.fixtures.net.StubHttpServer.Reply;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.process.FreePorts;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of two instances of each service, played by real HTTP servers whose faults
 * the tests switch on: errors, stalls, an instance that is down; its callers' tokens from an issuer
 * of the tests' own.
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
      "resilience4j.timelimiter.instances.orders.timeout-duration=700ms",
      "management.server.port=0",
      "spring.security.oauth2.client.registration.bulwark.client-secret=test-secret"
    })
class GatewayIntegrationTests {

  static final TestIssuer ISSUER = TestIssuer.start();
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
    registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::url);
    // the console watches an instance that answers nothing (port 1 is closed) and one that
    // answers: the flow page reads the first that does
    String silent = "bulwark.gateway.console.instances[0].";
    registry.add(silent + "service", () -> "order-service");
    registry.add(silent + "name", () -> "order-service-1");
    registry.add(silent + "management-url", () -> "http://127.0.0.1:1");
    String answering = "bulwark.gateway.console.instances[1].";
    registry.add(answering + "service", () -> "order-service");
    registry.add(answering + "name", () -> "order-service-2");
    registry.add(answering + "management-url", ORDERS_A::url);
    // and inventory-service's instances are found by name: the addresses a host resolves to
    String discovered = "bulwark.gateway.console.discover[0].";
    registry.add(discovered + "service", () -> "inventory-service");
    registry.add(discovered + "host", () -> "127.0.0.1");
    registry.add(discovered + "port", () -> java.net.URI.create(INVENTORY_A.url()).getPort());
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
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
    client = "client-" + UUID.randomUUID(); // each test its own caller, so its own rate limit
    http =
        new HttpJson("http://127.0.0.1:" + port).withBearer(() -> ISSUER.token(client, "orders"));
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
  void anOperatorsActionThatTakesSecondsIsAnsweredNotCutOffAtTheCustomersLimit() {
    Stream.of(ORDERS_A, ORDERS_B, INVENTORY_A, INVENTORY_B)
        .forEach(
            s -> {
              s.mode(Mode.STALL);
              s.stallFor(2_500); // beyond the customers' routes' limits (here 700 ms, 1 s, 3 s)
            });

    Response reconciliation = post("/api/ops/order-service/reconciliations", "", Map.of());
    Response deadLetters = get("/api/ops/inventory-service/dead-letters");

    assertThat(reconciliation.status()).isEqualTo(200);
    assertThat(deadLetters.status()).isEqualTo(200);
    assertThat(get("/api/orders/" + UUID.randomUUID()).status())
        .as("a customer's route keeps its own limit")
        .isEqualTo(504);
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
    assertThat(Integer.parseInt(limited.header("Retry-After"))).as("0.5 s per token").isEqualTo(1);
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
    Response response = http.send("POST", "/api/orders", "<order/>", "application/xml", Map.of());

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
  void theCorrelationIdComesBackOnceThoughTheServiceAnswersWithItToo() throws Exception {
    java.net.http.HttpResponse<Void> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/inventory/SKU-1"))
                    .header("Authorization", "Bearer " + ISSUER.token(client, "orders"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("X-Correlation-Id")).hasSize(1);
  }

  @Test
  void aValidIncomingCorrelationIdIsKept() {
    Response response =
        http.send(
            "GET",
            "/api/inventory/SKU-1",
            null,
            null,
            Map.of("X-Correlation-Id", "trace-from-the-browser-1"));

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

  @Test
  void anApiRequestWithoutATokenIsUnauthorizedAndNeverReachesAService() {
    int before = ORDERS_A.requests() + ORDERS_B.requests();

    Response response = http.bare().get("/api/orders/" + UUID.randomUUID());

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(ORDERS_A.requests() + ORDERS_B.requests()).isEqualTo(before);
  }

  @Test
  void theListingAndTheServicesDocumentsNeedACallerToo() {
    int before = ORDERS_A.requests() + ORDERS_B.requests();
    for (String path :
        List.of("/api/orders", "/api/orders?status=PENDING", "/docs/orders/v3/api-docs")) {
      Response response = http.bare().get(path);
      assertThat(response.status()).as(path).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).as(path).startsWith("Bearer");
    }
    assertThat(ORDERS_A.requests() + ORDERS_B.requests()).isEqualTo(before);
  }

  @Test
  void aTokenThatIsExpiredForeignMisaddressedOrForgedIsUnauthorized() {
    TestIssuer other = TestIssuer.start();
    int before = ORDERS_A.requests() + ORDERS_B.requests();
    List<String> tokens =
        List.of(
            other.token(client, "orders"),
            ISSUER.mint().subject(client).issuer("https://issuer.example").sign(),
            ISSUER.mint().subject(client).expiredSince(java.time.Duration.ofMinutes(2)).sign(),
            ISSUER.mint().subject(client).audience("another-api").sign(),
            ISSUER.mint().subject(client).signedByAnotherKey().sign(),
            ISSUER.mint().subject(client).unsigned(),
            "eyJhbGciOiJub25lIn0.e30.",
            "not a token at all");

    for (String token : tokens) {
      Response response =
          http.send("GET", "/api/orders/x", null, null, Map.of("Authorization", "Bearer " + token));
      assertThat(response.status()).as(token).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).as(token).startsWith("Bearer");
    }
    for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer  ", "Token abc")) {
      Response response =
          http.send("GET", "/api/orders/x", null, null, Map.of("Authorization", header));
      assertThat(response.status()).as(header).isEqualTo(401);
    }
    assertThat(ORDERS_A.requests() + ORDERS_B.requests()).isEqualTo(before);
    other.close();
  }

  @Test
  void aValidTokenIsPassedOnToTheServiceUnchanged() {
    String token = ISSUER.token(client, "orders");

    http.send(
        "GET", "/api/inventory/SKU-1", null, null, Map.of("Authorization", "Bearer " + token));

    List<StubHttpServer.Request> seen = new ArrayList<>(INVENTORY_A.received());
    seen.addAll(INVENTORY_B.received());
    assertThat(seen)
        .anySatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + token));
  }

  @Test
  void encodedAndParameterisedPathsMeetTheSameChecksAsPlainOnesAndReachTheServiceCanonical() {
    String big = "{\"pad\":\"" + "x".repeat(2_000) + "\"}";
    for (String path :
        List.of("/api/orders", "/%61pi/orders", "/api;x=1/orders", "/api/%6frders")) {
      assertThat(post(path, big, Map.of()).status()).as(path).isEqualTo(413);
      assertThat(http.send("POST", path, "<order/>", "application/xml", Map.of()).status())
          .as(path)
          .isEqualTo(415);
      assertThat(http.bare().get(path).status()).as(path).isEqualTo(401);
    }
    http.get("/%61pi/inventory;v=2/SKU%2d7");
    List<StubHttpServer.Request> seen = new ArrayList<>(INVENTORY_A.received());
    seen.addAll(INVENTORY_B.received());
    assertThat(seen)
        .anySatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo("/api/inventory/SKU-7"));
  }

  /**
   * The limit (20 per 10 s, refilled one every 500 ms) counts every spelling of a path as the same
   * caller's: of 40 requests sent as fast as they go, at most 20 pass plus one per 500 ms they
   * took, however they are encoded (counted apart, each spelling would have 20 of its own).
   */
  @Test
  void encodedPathsCountAgainstTheSameRateLimit() {
    List<Integer> statuses = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      statuses.add(
          get(i % 2 == 0 ? "/%61pi/inventory/SKU-1" : "/api;x=" + i + "/inventory/SKU-1").status());
    }
    long refills = (System.nanoTime() - started) / 500_000_000L;
    long passed = statuses.stream().filter(status -> status == 200).count();
    assertThat(statuses.subList(0, 20)).containsOnly(200);
    assertThat(statuses).containsOnly(200, 429);
    assertThat(passed)
        .as("requests let through, with %d refills while they were sent: %s", refills, statuses)
        .isLessThanOrEqualTo(20 + refills + 1);
  }

  @Test
  void anAmbiguousPathIsABadRequestAndNeverReachesAService() {
    int before = ORDERS_A.requests() + ORDERS_B.requests();
    for (String path :
        List.of(
            "/api/orders/%2e%2e/%2e%2e/actuator",
            "/api//orders", "/api/orders%5c..", "/api/orders%3bx", "/api/%2e/orders")) {
      Response response = get(path);
      assertThat(response.status()).as(path).isEqualTo(400);
      assertThat(response.header("Content-Type")).as(path).startsWith("application/problem+json");
    }
    assertThat(ORDERS_A.requests() + ORDERS_B.requests()).isEqualTo(before);
  }

  @Test
  void theActuatorIsOnTheManagementPortOnlyNotOnThePublicOne() {
    HttpJson management = new HttpJson("http://127.0.0.1:" + managementPort);

    assertThat(get("/actuator/health").status()).isEqualTo(404);
    assertThat(get("/actuator/prometheus").status()).isEqualTo(404);
    assertThat(management.get("/actuator/health").status()).isEqualTo(200);
    assertThat(
            management
                .send("GET", "/actuator/prometheus", null, null, Map.of("Accept", "text/plain"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void aBrowserWithoutASessionIsSentToSignIn() {
    Response page =
        http.bare()
            .send("GET", "/swagger-ui/index.html", null, null, Map.of("Accept", "text/html"));

    assertThat(page.status()).isEqualTo(302);
    assertThat(page.header("Location")).endsWith("/oauth2/authorization/bulwark");
    // anything but a page being opened gets 401, not a redirect
    assertThat(
            http.bare()
                .send("POST", "/swagger-ui/index.html", "{}", "application/json", Map.of())
                .status())
        .isEqualTo(401);
    assertThat(http.bare().get("/swagger-ui/index.html").status()).isEqualTo(401);
    Response signIn =
        http.bare()
            .send(
                "GET", "/oauth2/authorization/bulwark", null, null, Map.of("Accept", "text/html"));
    assertThat(signIn.status()).isEqualTo(302);
    assertThat(signIn.header("Location"))
        .startsWith(ISSUER.url() + "/oauth2/authorize?")
        .contains("client_id=bulwark-gateway", "code_challenge=", "scope=openid");
  }

  @Test
  void theCustomersPageIsServedToASignedInCallerOnlyAndABrowserIsSentToSignInForIt() {
    for (String path : List.of("/", "/index.html", "/orders.js", "/bulwark.js", "/bulwark.css")) {
      assertThat(http.bare().get(path).status()).as(path).isEqualTo(401);
    }
    Response opened = http.bare().send("GET", "/", null, null, Map.of("Accept", "text/html"));
    assertThat(opened.status()).isEqualTo(302);
    assertThat(opened.header("Location")).endsWith("/oauth2/authorization/bulwark");

    Response page = http.send("GET", "/", null, null, Map.of("Accept", "text/html"));
    Response script = get("/orders.js");
    Response shared = get("/bulwark.js");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<h1>Your orders</h1>", "/bulwark.js", "/orders.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).startsWith("text/javascript");
    assertThat(script.body()).contains("Idempotency-Key");
    assertThat(shared.body()).contains("X-XSRF-TOKEN");
  }

  @Test
  void theConsoleIsTheOperatorsAloneHoweverItsPathIsSpelled() {
    HttpJson operator =
        new HttpJson("http://127.0.0.1:" + port)
            .withBearer(() -> ISSUER.mint().subject("operator-" + client).roles("operator").sign());
    List<String> spellings =
        List.of(
            "/console",
            "/console/",
            "/console/index.html",
            "/console/recovery.js",
            "/console/health",
            "/console/health.js",
            "/console/health/sample",
            "/console/health/stream",
            "/console/flow",
            "/console/flow.js",
            "/console/flow/sample",
            "/console/flow/stream",
            "/console/chaos",
            "/console/chaos.js",
            "/console/chaos/state",
            "/%63onsole/",
            "/%63%6f%6e%73%6f%6c%65/index.html",
            "/console;x=1/index.html");
    for (String path : spellings) {
      assertThat(http.bare().get(path).status()).as("no credential: " + path).isEqualTo(401);
      Response refused = get(path);
      assertThat(refused.status()).as("a customer: " + path).isEqualTo(403);
      assertThat(refused.header("Content-Type"))
          .as("a customer: " + path)
          .startsWith("application/problem+json");
    }
    // what could mean another path on a server behind is refused before any rule, for everyone
    for (String path :
        List.of("/console/%2e/index.html", "/x/../console/", "//console/", "/console/%2fx")) {
      assertThat(get(path).status()).as("a customer: " + path).isEqualTo(400);
      assertThat(operator.get(path).status()).as("the operator: " + path).isEqualTo(400);
    }
    // a bearer token is an API client's, even asking for HTML (a signed-in browser gets a page
    // that says no: OperatorConsoleSystemTests)
    Response shown = http.send("GET", "/console/", null, null, Map.of("Accept", "text/html"));
    assertThat(shown.status()).isEqualTo(403);
    assertThat(shown.header("Content-Type")).startsWith("application/problem+json");
    assertThat(shown.body()).doesNotContain("Recovery");
    Response opened =
        http.bare().send("GET", "/console/", null, null, Map.of("Accept", "text/html"));
    assertThat(opened.status()).isEqualTo(302);
    assertThat(opened.header("Location")).endsWith("/oauth2/authorization/bulwark");

    assertThat(operator.get("/console").status()).isEqualTo(302);
    assertThat(operator.get("/console").header("Location")).endsWith("/console/");
    Response page = operator.send("GET", "/console/", null, null, Map.of("Accept", "text/html"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<h1>Recovery</h1>", "/console/recovery.js");
    Response script = operator.get("/console/recovery.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("/api/ops/");
  }

  @Test
  void theConsolesHealthSampleShowsTheRoutesBreakersTheRateLimitAndEveryWatchedInstance() {
    HttpJson operator =
        new HttpJson("http://127.0.0.1:" + port)
            .withBearer(() -> ISSUER.mint().subject("operator-" + client).roles("operator").sign());
    Response page =
        operator.send("GET", "/console/health", null, null, Map.of("Accept", "text/html"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Health</h1>", "/console/health.js");

    Response sample = operator.get("/console/health/sample");
    assertThat(sample.status()).as(sample.body()).isEqualTo(200);
    JsonNode health = JsonMapper.shared().readTree(sample.body());
    assertThat(health.path("gateway").path("breakers").valueStream().map(b -> b.get("name")))
        .extracting(JsonNode::asString)
        .contains("orders", "inventory");
    assertThat(health.path("gateway").path("rateLimit").path("limitForPeriod").asInt())
        .isEqualTo(20);
    JsonNode instance = health.path("instances").get(0);
    assertThat(instance.path("name").asString()).isEqualTo("order-service-1");
    assertThat(instance.path("status").asString()).isEqualTo("unreachable");
    assertThat(instance.path("reason").asString()).contains("ConnectException");
    assertThat(health.path("instances").valueStream().map(i -> i.path("name").asString()))
        .as("configured by name, then found by resolving a host")
        .containsExactly("order-service-1", "order-service-2", "inventory-service@127.0.0.1");
  }

  /**
   * The flow sample counts the order requests this gateway answered, by answer, with their latency,
   * the edge's own refusals among them; and reads order-service's flow from the first watched
   * instance that answers.
   */
  @Test
  void theConsolesFlowSampleCountsTheOrderRequestsAnsweredAndReadsTheFirstInstanceThatAnswers() {
    HttpJson operator =
        new HttpJson("http://127.0.0.1:" + port)
            .withBearer(() -> ISSUER.mint().subject("operator-" + client).roles("operator").sign());
    Response page =
        operator.send("GET", "/console/flow", null, null, Map.of("Accept", "text/html"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Flow</h1>", "/console/flow.js");
    JsonNode before = requests(operator);

    assertThat(
            post("/api/orders", "{}", Map.of("Idempotency-Key", UUID.randomUUID().toString()))
                .status())
        .isEqualTo(200);
    assertThat(http.bare().post("/api/orders", "{}").status()).isEqualTo(401);

    JsonNode after = requests(operator);
    assertThat(total(after, "created") - total(before, "created")).isEqualTo(1);
    assertThat(total(after, "refused") - total(before, "refused")).isEqualTo(1);
    assertThat(after.path("latency").path("answered").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(after.path("latency").path("p99Ms").asDouble()).isPositive();
    JsonNode sample = JsonMapper.shared().readTree(operator.get("/console/flow/sample").body());
    assertThat(sample.path("ordersFrom").asString()).isEqualTo("order-service-2");
    assertThat(sample.path("orders").path("instance").asString()).isEqualTo("orders-a");
  }

  /** Away from the local run there is no chaos agent: the page's requests say so, as problems. */
  @Test
  void withoutTheLocalRunsChaosAgentTheChaosPagesRequestsAnswerNotFoundSayingWhy() {
    HttpJson operator =
        new HttpJson("http://127.0.0.1:" + port)
            .withBearer(() -> ISSUER.mint().subject("operator-" + client).roles("operator").sign());
    Response page =
        operator.send("GET", "/console/chaos", null, null, Map.of("Accept", "text/html"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Chaos</h1>", "/console/chaos.js");

    Response state = operator.get("/console/chaos/state");
    assertThat(state.status()).isEqualTo(404);
    assertThat(state.header("Content-Type")).startsWith("application/problem+json");
    assertThat(state.body()).contains("only in the local run");
    assertThat(operator.post("/console/chaos/actions/kill-primary", "{}").status()).isEqualTo(404);
    assertThat(get("/console/chaos/state").status()).as("a customer").isEqualTo(403);
    assertThat(post("/console/chaos/load/start", "{}", Map.of()).status())
        .as("a customer")
        .isEqualTo(403);
  }

  private static JsonNode requests(HttpJson operator) {
    Response sample = operator.get("/console/flow/sample");
    assertThat(sample.status()).as(sample.body()).isEqualTo(200);
    return JsonMapper.shared().readTree(sample.body()).path("requests");
  }

  private static long total(JsonNode requests, String answer) {
    return requests.path("seconds").valueStream().mapToLong(s -> s.path(answer).asLong()).sum();
  }

  private Response get(String path) {
    return http.get(path);
  }

  private Response post(String path, String body, Map<String, String> headers) {
    return http.send("POST", path, body, "application/json", headers);
  }
}
