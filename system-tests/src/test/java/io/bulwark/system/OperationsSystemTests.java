package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations API through the gateway, on the running platform: the operator's alone, however
 * the path is spelled; a dead letter found, inspected, redriven and discarded with every step in
 * the audit log; and drift between the orders and the reservations, injected into the inventory's
 * database, found by the periodic and the on-demand reconciliation, and repaired where it is safe.
 */
@SystemTest(
    orderService = {"bulwark.reconciliation.interval=2s", "bulwark.reconciliation.settle=1s"})
class OperationsSystemTests {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String ORDERS_OPS = "/api/ops/order-service";
  private static final String INVENTORY_OPS = "/api/ops/inventory-service";

  private static Platform platform;
  private static HttpJson operator;
  private static HttpJson customer;
  private static HttpJson anonymous;

  @BeforeAll
  static void callers() {
    operator = platform.client().as(Identities.OPERATOR).http();
    customer = platform.client().http();
    anonymous = new HttpJson(platform.gateway());
  }

  @Test
  void onlyTheOperatorReachesEitherServicesOperationsHoweverThePathIsSpelled() {
    for (String base : List.of(ORDERS_OPS, INVENTORY_OPS)) {
      for (String path :
          List.of(
              base + "/state",
              base.replace("/ops/", "/%6fps/") + "/state",
              base + "/%64ead-letters",
              base + "/./audit",
              base + ";x=1/state")) {
        Response withoutToken = anonymous.get(path);
        Response asCustomer = customer.get(path);
        // a path that is not canonical is refused before anyone is asked who they are
        assertThat(withoutToken.status()).as(path).isIn(400, 401);
        assertThat(asCustomer.status()).as(path).isIn(400, 403);
        assertThat(withoutToken.body()).as(path).doesNotContain("outboxBacklog", "items");
        assertThat(asCustomer.body()).as(path).doesNotContain("outboxBacklog", "items");
      }
      assertThat(anonymous.get(base + "/state").status()).isEqualTo(401);
      assertThat(anonymous.post(base + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(401);
      assertThat(customer.post(base + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(403);
      assertThat(operator.get(base + "/state").status()).isEqualTo(200);
    }
  }

  @Test
  void theOperatorInspectsRedrivesAndDiscardsARecordOrderServiceGaveUpOn() {
    PoisonedRecord poisoned = PoisonedRecord.send("ops-system");
    String key = poisoned.key();
    JsonNode letter = poisoned.awaitDeadLetter(operator, Duration.ofSeconds(60));
    long id = letter.get("id").asLong();
    JsonNode inspected = json(operator.get(ORDERS_OPS + "/dead-letters/" + id));
    assertThat(inspected.get("payload").get("broken").asString()).isEqualTo(key);
    assertThat(inspected.get("source").get("consumerGroup").asString()).isEqualTo("order-service");

    Response redrive = operator.post(ORDERS_OPS + "/redrives", "{\"ids\": [" + id + "]}");
    assertThat(redrive.status()).isEqualTo(202);
    String job = redrive.header("Location");
    JsonNode done =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> json(operator.get(job)),
                progress -> "DONE".equals(progress.get("job").get("status").asString()));
    assertThat(done.get("results").get("items").get(0).get("outcome").asString())
        .as("a record that is no event fails again")
        .isEqualTo("FAILED");

    Response discard =
        operator.post(
            ORDERS_OPS + "/dead-letters/" + id + "/discard",
            "{\"reason\": \"injected by a test\"}");
    assertThat(discard.status()).isEqualTo(200);
    assertThat(operator.post(ORDERS_OPS + "/redrives", "{\"ids\": [" + id + "]}").status())
        .isEqualTo(409);
    List<String> audited =
        json(operator.get(ORDERS_OPS + "/audit?limit=50"))
            .get("items")
            .valueStream()
            .filter(entry -> entry.get("target").asString().contains(String.valueOf(id)))
            .map(entry -> entry.get("actor").asString() + ": " + entry.get("outcome").asString())
            .toList();
    assertThat(audited)
        .contains("operator: discarded: injected by a test")
        .anyMatch(line -> line.startsWith("operator: started job"))
        .anyMatch(line -> line.startsWith("operator: refused: discarded"));
  }

  @Test
  void thePeriodicCheckReleasesStockHeldForACancelledOrderOrForNoOrderAndLeavesTheRestAlone() {
    PlatformClient client = platform.client();
    client.setStock("REC-1", 100);
    String kept = client.placedOrderId(OrderRequest.of("REC-1", 1));
    String cancelled = client.placedOrderId(OrderRequest.of("REC-1", 3));
    assertThat(client.awaitConcluded(kept, Duration.ofSeconds(60))).isEqualTo("CONFIRMED");
    assertThat(client.awaitConcluded(cancelled, Duration.ofSeconds(60))).isEqualTo("CONFIRMED");
    assertThat(client.http().postOnce("/api/orders/" + cancelled + "/cancel", null).status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> "RELEASED".equals(reservation(cancelled)));

    // the inventory lost the cancellation, and holds stock for an order nobody placed
    holdAgain(cancelled, "REC-1", 3);
    String nobodys = UUID.randomUUID().toString();
    platform
        .inventory
        .sql("INSERT INTO reservation (order_id, status) VALUES (?, 'RESERVED')")
        .param(nobodys)
        .update();
    platform
        .inventory
        .sql("INSERT INTO reservation_line (order_id, sku, quantity) VALUES (?, 'REC-1', 2)")
        .param(nobodys)
        .update();
    moveStock("REC-1", 2);
    java.time.Instant injected = java.time.Instant.now();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "RELEASED".equals(reservation(cancelled))
                    && "RELEASED".equals(reservation(nobodys)));
    System.out.printf(
        "injected drift repaired by the periodic check %d ms later%n",
        Duration.between(injected, java.time.Instant.now()).toMillis());
    assertThat(stock("REC-1")).as("available, reserved").containsExactly(99, 1);
    assertThat(reservation(kept)).isEqualTo("RESERVED");
    List<String> findings = new java.util.ArrayList<>();
    json(operator.get(ORDERS_OPS + "/reconciliations?limit=100"))
        .get("items")
        .valueStream()
        .flatMap(run -> run.get("findings").valueStream())
        .forEach(
            drift ->
                findings.add(
                    drift.get("orderId").asString()
                        + " "
                        + drift.get("kind").asString()
                        + ": "
                        + drift.get("repair").asString()));
    assertThat(findings)
        .contains(
            cancelled + " HELD_FOR_CONCLUDED_ORDER: published OrderCancelled again",
            nobodys + " HELD_WITHOUT_ORDER: published OrderRejected")
        .noneMatch(line -> line.startsWith(kept));
  }

  @Test
  void anOnDemandCheckReportsAConfirmedOrderWhoseStockIsNoLongerHeldAndChangesNothing() {
    PlatformClient client = platform.client();
    client.setStock("REC-2", 10);
    String confirmed = client.placedOrderId(OrderRequest.of("REC-2", 4));
    assertThat(client.awaitConcluded(confirmed, Duration.ofSeconds(60))).isEqualTo("CONFIRMED");
    // the inventory let go of a confirmed order's stock
    platform
        .inventory
        .sql("UPDATE reservation SET status = 'RELEASED', updated_at = now() WHERE order_id = ?")
        .param(confirmed)
        .update();
    moveStock("REC-2", -4);

    assertThat(anonymous.post(ORDERS_OPS + "/reconciliations", null).status()).isEqualTo(401);
    assertThat(customer.post(ORDERS_OPS + "/reconciliations", null).status()).isEqualTo(403);
    // a check leaves out changes younger than the settle time (1 s here): ask until it is past
    Response run =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> operator.post(ORDERS_OPS + "/reconciliations", null),
                response -> response.status() == 201 && response.body().contains(confirmed));

    JsonNode found =
        json(run)
            .get("findings")
            .valueStream()
            .filter(drift -> drift.get("orderId").asString().equals(confirmed))
            .findFirst()
            .orElseThrow();
    assertThat(found.get("kind").asString()).isEqualTo("CONFIRMED_WITHOUT_RESERVATION");
    assertThat(found.get("repair").isNull()).as("reported, not repaired").isTrue();
    assertThat(json(run).get("trigger").asString()).isEqualTo("on demand");
    assertThat(json(run).get("requestedBy").asString()).isEqualTo("operator");
    assertThat(reservation(confirmed)).isEqualTo("RELEASED");
    assertThat(client.statusOf(confirmed)).contains("CONFIRMED");
    assertThat(stock("REC-2")).containsExactly(10, 0);
    assertThat(operator.get(run.header("Location")).status()).isEqualTo(200);
    assertThat(
            Platform.management(platform.orderInstances.get(0))
                .send(
                    "GET",
                    "/actuator/prometheus",
                    null,
                    null,
                    java.util.Map.of("Accept", "text/plain"))
                .body())
        .as("the drift gauge counts what the last check found")
        .containsPattern("bulwark_reconciliation_drift(\\{[^}]*\\})? [1-9]");
    assertThat(operator.get(ORDERS_OPS + "/reconciliations/987654321").status()).isEqualTo(404);
    assertThat(operator.get(ORDERS_OPS + "/reconciliations?limit=0").status()).isEqualTo(400);
    assertThat(
            json(operator.get(ORDERS_OPS + "/audit?limit=50"))
                .get("items")
                .valueStream()
                .map(
                    entry ->
                        entry.get("action").asString() + " " + entry.get("outcome").asString()))
        .anyMatch(line -> line.startsWith("reconcile run " + json(run).get("id").asLong() + ":"));
  }

  private static @org.jspecify.annotations.Nullable String reservation(String orderId) {
    return platform
        .inventory
        .sql("SELECT status FROM reservation WHERE order_id = ?")
        .param(orderId)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static void holdAgain(String orderId, String sku, int quantity) {
    platform
        .inventory
        .sql("UPDATE reservation SET status = 'RESERVED', updated_at = now() WHERE order_id = ?")
        .param(orderId)
        .update();
    moveStock(sku, quantity);
  }

  /** Moves units from available to reserved (negative: back). */
  private static void moveStock(String sku, int units) {
    platform
        .inventory
        .sql(
            "UPDATE stock_item SET available = available - ?, reserved = reserved + ?"
                + " WHERE sku = ?")
        .params(units, units, sku)
        .update();
  }

  private static List<Integer> stock(String sku) {
    return platform
        .inventory
        .sql("SELECT available, reserved FROM stock_item WHERE sku = ?")
        .param(sku)
        .query((row, n) -> List.of(row.getInt(1), row.getInt(2)))
        .single();
  }

  private static JsonNode json(Response response) {
    assertThat(response.status()).as(response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }
}
