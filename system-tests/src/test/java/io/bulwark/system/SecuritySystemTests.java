package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.Topology;
import io.bulwark.harness.postgres.ServiceDatabase;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Who may do what, through the running platform with its real authorization server: API clients
 * with tokens, a browser that signs in, and requests that try to skip the gateway.
 */
@SystemTest(shared = true)
class SecuritySystemTests {

  private static Platform platform;

  private static PlatformClient customer1;
  private static PlatformClient customer2;

  @BeforeAll
  static void stock() {
    customer1 = platform.client();
    customer2 = platform.client().as(Identities.CUSTOMER_2);
    customer1.setStock("SEC-1", 1_000);
  }

  @Test
  void aCustomerNeitherSeesNorCancelsNorListsAnotherCustomersOrder() {
    String id = customer1.placedOrderId(OrderRequest.of("SEC-1", 1));

    Response read = customer2.http().get("/api/orders/" + id);
    Response cancel = customer2.http().postOnce("/api/orders/" + id + "/cancel", null);
    Response listed = customer2.http().get("/api/orders?limit=100");

    assertThat(read.status()).isEqualTo(404);
    assertThat(cancel.status()).isEqualTo(404);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).doesNotContain(id);
    assertThat(customer1.http().get("/api/orders?limit=100").body()).contains(id);
    assertThat(customer1.awaitConcluded(id, java.time.Duration.ofSeconds(60)))
        .isEqualTo("CONFIRMED");
  }

  @Test
  void aCustomerMayNotSetStockAndTheOperatorMay() {
    Response byCustomer = customer1.http().put("/api/inventory/SEC-1", "{\"available\": 0}");

    assertThat(byCustomer.status()).isEqualTo(403);
    assertThat(byCustomer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(customer1.http().get("/api/inventory/SEC-1").body())
        .doesNotContain("\"available\":0,");
  }

  @Test
  void withoutATokenOrWithAnotherIssuersNothingIsServedThroughTheGatewayOrAroundIt() {
    List<HttpJson> targets =
        List.of(
            new HttpJson(platform.gateway()),
            new HttpJson(platform.running(Topology.ORDER_SERVICE).url()),
            new HttpJson(platform.running(Topology.INVENTORY_SERVICE).url()));
    try (TestIssuer foreign = TestIssuer.start()) {
      String forged = foreign.mint().subject("operator").roles("operator").scopes("orders").sign();
      for (HttpJson target : targets) {
        Response anonymous = target.put("/api/inventory/SEC-1", "{\"available\": 0}");
        Response foreignToken =
            target.send(
                "PUT",
                "/api/inventory/SEC-1",
                "{\"available\": 0}",
                "application/json",
                Map.of("Authorization", "Bearer " + forged));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(foreignToken.status()).isEqualTo(401);
      }
    }
    assertThat(customer1.http().get("/api/inventory/SEC-1").body()).contains("\"sku\":\"SEC-1\"");
  }

  @Test
  void aBrowserSignsInThroughTheIssuerReachesSwaggerUiAndUsesTheApiWithItsSession() {
    Browser browser = new Browser();

    HttpResponse<String> signIn = browser.open(platform.gateway() + "/swagger-ui/index.html");
    assertThat(signIn.uri().toString()).startsWith(platform.issuer() + "/login");
    Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(signIn.body());
    assertThat(csrf.find()).isTrue();
    String password = platform.identities().password(Identities.CUSTOMER_1);
    HttpResponse<String> swagger =
        browser.submit(
            platform.issuer() + "/login",
            Map.of("username", "customer-1", "password", password, "_csrf", csrf.group(1)));

    assertThat(swagger.statusCode()).as("hops %s", browser.hops).isEqualTo(200);
    assertThat(swagger.uri().getPath()).isEqualTo("/swagger-ui/index.html");
    assertThat(swagger.body()).contains("Swagger UI");
    HttpCookie session = browser.cookie("BULWARK_SESSION").orElseThrow();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(swagger.headers().allValues("Set-Cookie").toString() + browser.hops).isNotEmpty();

    HttpResponse<String> listed =
        browser.fetch("GET", platform.gateway() + "/api/orders", null, Map.of());
    assertThat(listed.statusCode()).as("the session's token is relayed").isEqualTo(200);

    String order = OrderRequest.of("SEC-1", 1).json();
    Map<String, String> keyed =
        Map.of("Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString());
    HttpResponse<String> withoutCsrf =
        browser.fetch("POST", platform.gateway() + "/api/orders", order, keyed);
    assertThat(withoutCsrf.statusCode()).as("a session's POST needs the CSRF token").isEqualTo(403);

    String xsrf = browser.cookie("XSRF-TOKEN").orElseThrow().getValue();
    Map<String, String> withToken = new java.util.HashMap<>(keyed);
    withToken.put("X-XSRF-TOKEN", xsrf);
    HttpResponse<String> placed =
        browser.fetch("POST", platform.gateway() + "/api/orders", order, withToken);
    assertThat(placed.statusCode()).isEqualTo(201);
    assertThat(placed.body()).contains("\"customerId\":\"customer-1\"");
  }

  @Test
  void eachServiceConnectsAsItsOwnRoleWhichOwnsItsDatabaseAndCannotEnterTheOthers() {
    customer1.placedOrderId(OrderRequest.of("SEC-1", 1));

    assertConnectsAsItsOwnRole(platform.orders, ServiceDatabase.ORDER_SERVICE_ROLE);
    assertConnectsAsItsOwnRole(platform.inventory, ServiceDatabase.INVENTORY_SERVICE_ROLE);
    Identities identities = platform.identities();
    String inventoryPassword = identities.databasePassword(ServiceDatabase.INVENTORY_SERVICE_ROLE);
    String ordersPassword = identities.databasePassword(ServiceDatabase.ORDER_SERVICE_ROLE);
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                        platform.ordersUrl,
                        ServiceDatabase.INVENTORY_SERVICE_ROLE,
                        inventoryPassword)
                    .close())
        .as("inventory-service's role in the orders database")
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                        platform.inventoryUrl, ServiceDatabase.ORDER_SERVICE_ROLE, ordersPassword)
                    .close())
        .as("order-service's role in the inventory database")
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                        platform.ordersUrl, ServiceDatabase.ORDER_SERVICE_ROLE, "not-the-password")
                    .close())
        .as("order-service's role without its password")
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
  }

  private static void assertConnectsAsItsOwnRole(JdbcClient database, String role) {
    List<String> users =
        database
            .sql(
                "SELECT DISTINCT usename FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            .query(String.class)
            .list();
    assertThat(users).as("the roles connected to %s's database", role).containsExactly(role);
    assertThat(
            database
                .sql(
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
                .query(String.class)
                .single())
        .isEqualTo(role);
    assertThat(
            database
                .sql(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname IN ('public', 'bulwark')"
                        + " AND pg_get_userbyid(c.relowner) <> ?")
                .param(role)
                .query(Long.class)
                .single())
        .as("tables, indexes and sequences not owned by %s", role)
        .isZero();
    assertThat(
            database
                .sql(
                    "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication"
                        + " FROM pg_roles WHERE rolname = ?")
                .param(role)
                .query(Boolean.class)
                .single())
        .as("%s has a privilege beyond its database", role)
        .isFalse();
  }
}
