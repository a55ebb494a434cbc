package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.order.OrderServiceTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Who may do what with orders, asked of order-service directly, without the gateway: the service
 * checks every token itself, and a customer reaches only its own orders.
 */
class OrderAccessIntegrationTests extends OrderServiceTestBase {

  private static final String ORDER = OrderRequest.of("SKU-1", 1).json();

  @Autowired JdbcClient jdbc;

  private final String alice = "alice-" + UUID.randomUUID();
  private final String bob = "bob-" + UUID.randomUUID();

  private HttpJson as(String customer) {
    return http(ISSUER.token(customer, "orders"));
  }

  private String placedBy(String customer) {
    Response placed = as(customer).postOnce("/api/orders", ORDER);
    assertThat(placed.status()).isEqualTo(201);
    String location = placed.header("Location");
    return location.substring(location.lastIndexOf('/') + 1);
  }

  static Stream<String> badTokens() {
    TestIssuer other = TestIssuer.start();
    return Stream.of(
        other.token("customer-1", "orders"), // another issuer's key
        ISSUER.mint().issuer("https://issuer.example").sign(),
        ISSUER.mint().expiredSince(Duration.ofMinutes(5)).sign(),
        ISSUER.mint().audience("another-api").sign(),
        ISSUER.mint().signedByAnotherKey().sign(),
        ISSUER.mint().unsigned(),
        "not-a-jwt",
        "a.b.c",
        "x".repeat(6_000));
  }

  @ParameterizedTest
  @MethodSource("badTokens")
  void aRequestWithoutAValidTokenIsUnauthorizedAndStoresNothing(String token) {
    long before = orders();

    Response placed = http(token).postOnce("/api/orders", ORDER);

    assertThat(placed.status()).isEqualTo(401);
    assertThat(placed.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(placed.header("Content-Type")).startsWith("application/problem+json");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void anAuthorizationHeaderTooLargeForTheServerIsAClientErrorAndStoresNothing() {
    long before = orders();

    Response placed = http("x".repeat(20_000)).postOnce("/api/orders", ORDER);

    assertThat(placed.status()).isEqualTo(400);
    assertThat(placed.header("Content-Type")).startsWith("application/problem+json");
    assertThat(placed.body()).doesNotContain("Tomcat", "Exception");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void aRequestWithNoTokenAtAllIsUnauthorizedWithAChallenge() {
    Response anonymous = http().bare().get("/api/orders/" + UUID.randomUUID());

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(anonymous.body()).contains("\"status\":401").doesNotContain("Exception");
  }

  @Test
  void everyOrdersRouteIsUnauthorizedWithoutATokenAndForbiddenWithoutTheOrdersScope() {
    String id = placedBy(alice);
    String machine = ISSUER.token("order-service", "inventory:read");
    for (String[] route :
        new String[][] {
          {"GET", "/api/orders"},
          {"GET", "/api/orders/" + id},
          {"POST", "/api/orders"},
          {"POST", "/api/orders/" + id + "/cancel"}
        }) {
      String body = route[0].equals("POST") ? ORDER : null;
      Map<String, String> keyed = Map.of("Idempotency-Key", UUID.randomUUID().toString());
      Response anonymous = http().bare().send(route[0], route[1], body, "application/json", keyed);
      Response withoutScope =
          http(machine).send(route[0], route[1], body, "application/json", keyed);
      assertThat(anonymous.status()).as("no token: %s %s", route[0], route[1]).isEqualTo(401);
      assertThat(withoutScope.status()).as("no scope: %s %s", route[0], route[1]).isEqualTo(403);
    }
    assertThat(statusOf(id)).isEqualTo("PENDING");
  }

  @Test
  void aTokenWithoutTheOrdersScopeIsForbidden() {
    Response placed =
        http(ISSUER.token("order-service", "inventory:read")).postOnce("/api/orders", ORDER);

    assertThat(placed.status()).isEqualTo(403);
    assertThat(placed.header("WWW-Authenticate")).contains("insufficient_scope");
    assertThat(placed.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void anOrderBelongsToTheTokensSubject() {
    String id = placedBy(alice);

    assertThat(customerOf(id)).isEqualTo(alice);
    assertThat(as(alice).get("/api/orders/" + id).body())
        .contains("\"customerId\":\"" + alice + "\"");
  }

  @Test
  void aBodyThatNamesAnotherCustomerIsForbiddenAndStoresNothing() {
    long before = orders();

    Response placed =
        as(alice).postOnce("/api/orders", OrderRequest.of("SKU-1", 1).naming(bob).json());

    assertThat(placed.status()).isEqualTo(403);
    assertThat(placed.header("Content-Type")).startsWith("application/problem+json");
    assertThat(orders()).isEqualTo(before);
    assertThat(
            as(alice)
                .postOnce("/api/orders", OrderRequest.of("SKU-1", 1).naming(alice).json())
                .status())
        .isEqualTo(201);
  }

  @Test
  void anotherCustomersOrderIsNotFoundToReadOrToCancel() {
    String id = placedBy(alice);

    Response read = as(bob).get("/api/orders/" + id);
    Response cancel = as(bob).postOnce("/api/orders/" + id + "/cancel", null);
    Response unknown = as(bob).get("/api/orders/" + UUID.randomUUID());

    assertThat(read.status()).isEqualTo(404);
    assertThat(cancel.status()).isEqualTo(404);
    assertThat(read.body()).isEqualTo(unknown.body().replace(unknownId(unknown), id));
    assertThat(statusOf(id)).isEqualTo("PENDING");
    assertThat(as(alice).get("/api/orders/" + id).status()).isEqualTo(200);
  }

  @Test
  void theOperatorMayReadAnyOrder() {
    String id = placedBy(alice);
    String operator = ISSUER.mint().subject("operator").roles("operator").scopes().sign();

    assertThat(http(operator).get("/api/orders/" + id).status()).isEqualTo(200);
  }

  @Test
  void theSameKeyAndBodyFromTwoCustomersPlacesTwoOrders() {
    String key = UUID.randomUUID().toString();

    Response fromAlice = as(alice).postWithKey("/api/orders", ORDER, key);
    Response fromBob = as(bob).postWithKey("/api/orders", ORDER, key);

    assertThat(fromAlice.status()).isEqualTo(201);
    assertThat(fromBob.status()).isEqualTo(201);
    assertThat(fromBob.header("Idempotent-Replayed")).isNull();
    assertThat(fromBob.header("Location")).isNotEqualTo(fromAlice.header("Location"));
  }

  @Test
  void theListingShowsOnlyTheCallersOrdersNewestFirstAPageAtATime() {
    String first = placedBy(alice);
    String second = placedBy(alice);
    String third = placedBy(alice);
    placedBy(bob);

    Response page1 = as(alice).get("/api/orders?limit=2");
    String next = field(page1.body(), "next");
    Response page2 = as(alice).get("/api/orders?limit=2&cursor=" + next);

    assertThat(page1.status()).isEqualTo(200);
    assertThat(ids(page1.body())).containsExactly(third, second);
    assertThat(ids(page2.body())).containsExactly(first);
    assertThat(page2.body()).doesNotContain("\"next\"");
    assertThat(as(bob).get("/api/orders").body()).doesNotContain(first, second, third);
  }

  @Test
  void theListingFiltersByStatus() {
    String pending = placedBy(alice);
    String cancelled = placedBy(alice);
    as(alice).postOnce("/api/orders/" + cancelled + "/cancel", null);

    assertThat(ids(as(alice).get("/api/orders?status=CANCELLED").body()))
        .containsExactly(cancelled);
    assertThat(ids(as(alice).get("/api/orders?status=PENDING").body())).containsExactly(pending);
  }

  @Test
  void aBadListingRequestIsABadRequestProblem() {
    for (String query :
        new String[] {
          "?limit=0", "?limit=101", "?limit=x", "?status=LOST", "?cursor=bm9wZQ", "?cursor=%25%25"
        }) {
      Response response = as(alice).get("/api/orders" + query);
      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(response.header("Content-Type")).as(query).startsWith("application/problem+json");
    }
  }

  @Test
  void theSkuCheckCarriesOrderServicesOwnTokenNotTheCustomers() {
    INVENTORY.start();
    int before = INVENTORY.requests();
    // a SKU never asked about before, so this order makes the call
    Response placed =
        as(alice).postOnce("/api/orders", OrderRequest.of("SKU-" + UUID.randomUUID(), 1).json());
    assertThat(placed.status()).isEqualTo(201);
    assertThat(INVENTORY.requests()).isEqualTo(before + 1);

    String authorization = INVENTORY.lastAuthorization();
    assertThat(authorization).startsWith("Bearer ");
    String payload =
        new String(
            Base64.getUrlDecoder().decode(authorization.substring(7).split("\\.")[1]),
            StandardCharsets.UTF_8);
    assertThat(payload)
        .contains("\"sub\":\"order-service\"", "inventory:read")
        .doesNotContain(alice);
  }

  private long orders() {
    return jdbc.sql("SELECT count(*) FROM orders").query(Long.class).single();
  }

  private String customerOf(String id) {
    return jdbc.sql("SELECT customer_id FROM orders WHERE id = ?::uuid")
        .param(id)
        .query(String.class)
        .single();
  }

  private String statusOf(String id) {
    return jdbc.sql("SELECT status FROM orders WHERE id = ?::uuid")
        .param(id)
        .query(String.class)
        .single();
  }

  private static String unknownId(Response response) {
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("no order ([0-9a-f-]{36})").matcher(response.body());
    return id.find() ? id.group(1) : "";
  }

  private static java.util.List<String> ids(String body) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(body);
    while (id.find()) {
      ids.add(id.group(1));
    }
    return ids;
  }

  private static String field(String body, String name) {
    java.util.regex.Matcher value =
        java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(body);
    assertThat(value.find()).as(name + " in " + body).isTrue();
    return value.group(1);
  }
}
