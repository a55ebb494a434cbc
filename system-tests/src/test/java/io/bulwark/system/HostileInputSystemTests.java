package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Thousands of malformed and hostile requests, generated from a seed, against the running platform:
 * through the gateway and straight at each service. None may get a 5xx or leak internals, and the
 * databases must be exactly as before.
 */
@SystemTest(shared = true)
class HostileInputSystemTests {

  private static final long SEED = Long.getLong("bulwark.fuzz.seed", 20261126L);
  private static final int REQUESTS = Integer.getInteger("bulwark.fuzz.requests", 3_000);

  private static Platform platform;

  @BeforeAll
  static void seed() {
    PlatformClient client = platform.client();
    for (int i = 0; i < 5; i++) {
      client.setStock("FUZZ-" + i, 50);
    }
    client.placedOrderId(OrderRequest.of("FUZZ-1", 1));
    // the snapshot is taken at a quiet point: the seeded order's saga has ended
    platform.awaitQuiet();
  }

  @Test
  void hostileRequestsGetClientErrorsAndChangeNothing() {
    Map<String, String> before = snapshot();
    List<HttpJson> targets =
        List.of(
            new HttpJson(platform.gateway()),
            new HttpJson(platform.orderInstances.get(0).url()),
            new HttpJson(platform.inventoryInstances.get(0).url()));
    List<String> violations = new ArrayList<>();
    Map<Integer, Integer> statuses = new HashMap<>();
    List<Map.Entry<Long, String>> slowest = new ArrayList<>();

    List<HostileRequests.Request> requests = HostileRequests.generate(SEED, REQUESTS);
    for (int i = 0; i < requests.size(); i++) {
      HostileRequests.Request request = requests.get(i);
      HttpJson target = targets.get(i % targets.size());
      Response response;
      long sent = System.nanoTime();
      try {
        response =
            target.send(
                request.method(),
                request.path(),
                request.body(),
                request.contentType(),
                credentials(request));
      } catch (IllegalStateException | IllegalArgumentException e) {
        continue; // refused by our own client (a header or URI it will not send): nothing to test
      }
      statuses.merge(response.status(), 1, Integer::sum);
      slowest.add(
          Map.entry(
              (System.nanoTime() - sent) / 1_000_000,
              "#" + i + " " + response.status() + " " + request));
      if (slowest.size() > 5) {
        slowest.remove(slowest.stream().min(Map.Entry.comparingByKey()).orElseThrow());
      }
      boolean reads = List.of("GET", "HEAD", "OPTIONS").contains(request.method());
      if (response.status() >= 500 || (response.status() < 400 && !reads)) {
        violations.add(response.status() + " for #" + i + " " + request);
      }
      String body = response.body() == null ? "" : response.body();
      if (body.contains("Exception")
          || body.contains("\tat ")
          || body.contains("org.springframework")) {
        violations.add("internals leaked for #" + i + " " + request + ": " + body);
      }
    }

    System.out.println(
        "hostile input: seed " + SEED + ", " + requests.size() + " requests, statuses " + statuses);
    slowest.stream()
        .sorted(Map.Entry.<Long, String>comparingByKey().reversed())
        .forEach(e -> System.out.println("  slowest: " + e.getKey() + " ms " + e.getValue()));
    assertThat(violations).as("seed %d", SEED).isEmpty();
    assertThat(snapshot()).as("the databases are exactly as before").isEqualTo(before);
  }

  /**
   * The request's headers with its credential placeholders replaced: the caller is the customer, or
   * the operator for a stock change, so that the request reaches the checks behind authorization.
   */
  private static Map<String, String> credentials(HostileRequests.Request request) {
    String user =
        request.method().equals("PUT") && request.path().startsWith("/api/inventory")
            ? Identities.OPERATOR
            : Identities.CUSTOMER_1;
    String token = platform.tokens().forUser(user);
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    String unsigned = "eyJhbGciOiJub25lIn0." + parts[1] + ".";
    Map<String, String> headers = new HashMap<>();
    request
        .headers()
        .forEach(
            (name, value) ->
                headers.put(
                    name,
                    value
                        .replace(HostileRequests.CALLER, token)
                        .replace(HostileRequests.TAMPERED, tampered)
                        .replace(HostileRequests.UNSIGNED, unsigned)));
    return headers;
  }

  /** Every business and kit table of both databases, as text. */
  private static Map<String, String> snapshot() {
    Map<String, String> tables = new HashMap<>();
    dump(platform.orders, "orders", "SELECT * FROM orders ORDER BY id", tables);
    dump(
        platform.orders,
        "order_line",
        "SELECT * FROM order_line ORDER BY order_id, line_no",
        tables);
    dump(
        platform.orders,
        "orders.outbox",
        "SELECT id, event_id, event_type FROM bulwark.outbox ORDER BY id",
        tables);
    dump(
        platform.orders,
        "orders.keys",
        "SELECT scope, key, status FROM bulwark.idempotency_key ORDER BY key",
        tables);
    dump(
        platform.inventory,
        "stock_item",
        "SELECT sku, available, reserved FROM stock_item ORDER BY sku",
        tables);
    dump(
        platform.inventory,
        "reservation",
        "SELECT order_id, status FROM reservation ORDER BY order_id",
        tables);
    dump(
        platform.inventory,
        "inventory.outbox",
        "SELECT id, event_id, event_type FROM bulwark.outbox ORDER BY id",
        tables);
    return tables;
  }

  private static void dump(JdbcClient jdbc, String name, String sql, Map<String, String> into) {
    into.put(name, jdbc.sql(sql).query().listOfRows().toString());
  }
}
