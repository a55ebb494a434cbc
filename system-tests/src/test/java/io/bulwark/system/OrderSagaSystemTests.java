package io.bulwark.system;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order saga end to end, through the gateway, across the real processes: order-service → outbox
 * → Kafka → inventory-service → outbox → Kafka → order-service.
 */
@SystemTest(shared = true)
class OrderSagaSystemTests {

  private static final Duration SAGA = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.shared();

  private static Platform platform;

  private final PlatformClient client = platform.client();
  private final HttpJson http = client.http();

  @Test
  void everyMetricOnThePlatformDashboardIsOneTheServicesExpose() {
    client.setStock("METRIC-1", 5);
    awaitDecided(placeOrder("METRIC-1", 1).header("Location"));
    StringBuilder scraped = new StringBuilder();
    List<HttpJson> instances =
        List.of(
            platform.gatewayManagement(),
            Platform.management(platform.orderInstances.get(0)),
            Platform.management(platform.inventoryInstances.get(0)));
    for (HttpJson instance : instances) {
      Response metrics =
          instance.send("GET", "/actuator/prometheus", null, null, Map.of("Accept", "text/plain"));
      assertThat(metrics.status()).isEqualTo(200);
      scraped.append(metrics.body());
    }
    JsonNode dashboard =
        JSON.readTree(
            java.nio.file.Path.of(
                    "..", "deploy", "compose", "grafana", "dashboards", "bulwark-platform.json")
                .toFile());
    java.util.Set<String> metrics = new java.util.TreeSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      var names =
          java.util.regex.Pattern.compile("\\b([a-z][a-z0-9]*_[a-z0-9_]+)\\b")
              .matcher(panel.get("targets").get(0).get("expr").asString());
      while (names.find()) {
        metrics.add(names.group(1));
      }
    }
    // PromQL's own functions, and Patroni's metrics (its nodes are not part of this platform)
    metrics.removeIf(name -> name.equals("histogram_quantile") || name.startsWith("patroni_"));

    assertThat(metrics).hasSizeGreaterThanOrEqualTo(7);
    for (String metric : metrics) {
      assertThat(scraped.toString()).as(metric).containsPattern("(?m)^" + metric + "[{ ]");
    }
  }

  @Test
  void theSagasDurationTheOutboxWaitTheConsumersTimeAndDeadLettersByTopicAreMeasured() {
    client.setStock("METRIC-2", 5);
    awaitDecided(placeOrder("METRIC-2", 1).header("Location"));
    TestKafka.send("bulwark.orders.events", "poison", "not an event".getBytes(UTF_8));

    String orders = scrape(Platform.management(platform.orderInstances.get(0)));
    assertThat(orders)
        .containsPattern("(?m)^bulwark_saga_duration_seconds_bucket\\{.*outcome=\"CONFIRMED\"")
        .containsPattern(
            "(?m)^bulwark_outbox_wait_seconds_count\\{.*topic=\"bulwark.orders.events\".*} [1-9]")
        .containsPattern(
            "(?m)^bulwark_consumer_processing_seconds_count\\{.*outcome=\"applied\""
                + ".*topic=\"bulwark.inventory.events\".*} [1-9]");
    await()
        .atMost(SAGA)
        .untilAsserted(
            () ->
                assertThat(scrape(Platform.management(platform.inventoryInstances.get(0))))
                    .containsPattern(
                        "(?m)^bulwark_deadletters_total\\{.*topic=\"bulwark.orders.events\".*}"
                            + " [1-9]"));
  }

  private static String scrape(HttpJson instance) {
    Response metrics =
        instance.send("GET", "/actuator/prometheus", null, null, Map.of("Accept", "text/plain"));
    assertThat(metrics.status()).isEqualTo(200);
    return metrics.body();
  }

  @Test
  void anOrderWithEnoughStockIsConfirmedAndItsStockReserved() {
    client.setStock("HAPPY-1", 10);

    Response placed = placeOrder("HAPPY-1", 2);

    assertThat(placed.status()).isEqualTo(201);
    assertThat(placed.header("Location")).startsWith("/api/orders/");
    assertThat(json(placed).get("status").asString()).isEqualTo("PENDING");
    JsonNode order = awaitDecided(placed.header("Location"));
    assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
    assertThat(stock("HAPPY-1")).containsExactly(8, 2);
  }

  @Test
  void anOrderWithTooLittleStockIsRejectedWithAReasonAndNoStockChanges() {
    client.setStock("SHORT-1", 5);
    client.setStock("SHORT-2", 1);

    Response placed = client.placeOrder(OrderRequest.of("SHORT-1", 2).line("SHORT-2", 3));

    JsonNode order = awaitDecided(placed.header("Location"));
    assertThat(order.get("status").asString()).isEqualTo("REJECTED");
    assertThat(order.get("rejectionReason").asString()).contains("insufficient stock for SHORT-2");
    assertThat(stock("SHORT-1")).containsExactly(5, 0);
    assertThat(stock("SHORT-2")).containsExactly(1, 0);
  }

  @Test
  void cancellingAConfirmedOrderReleasesItsStock() {
    client.setStock("CANCEL-1", 10);
    String location = placeOrder("CANCEL-1", 4).header("Location");
    assertThat(awaitDecided(location).get("status").asString()).isEqualTo("CONFIRMED");

    Response cancelled = http.postOnce(location + "/cancel", null);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(json(cancelled).get("status").asString()).isEqualTo("CANCELLED");
    await().atMost(SAGA).untilAsserted(() -> assertThat(stock("CANCEL-1")).containsExactly(10, 0));
  }

  @Test
  void stockIsConservedAfterHundredsOfConcurrentOrdersAndCancellations() throws Exception {
    List<String> skus = List.of("CONS-1", "CONS-2", "CONS-3");
    Map<String, Integer> initial = Map.of("CONS-1", 120, "CONS-2", 80, "CONS-3", 40);
    initial.forEach(client::setStock);

    PlatformClient load = client.as(Identities.CUSTOMER_2);
    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<String>> placing = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      placing.add(
          clients.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                String first = skus.get(random.nextInt(skus.size()));
                String second = skus.get(random.nextInt(skus.size()));
                Response response =
                    load.placeOrder(
                        OrderRequest.of(first, 1 + random.nextInt(3))
                            .line(second, 1 + random.nextInt(2)));
                assertThat(response.status()).isEqualTo(201);
                String location = response.header("Location");
                if (random.nextInt(10) == 0) {
                  assertThat(load.http().postOnce(location + "/cancel", null).status())
                      .isIn(200, 409);
                }
                return location;
              }));
    }
    List<String> locations = new ArrayList<>();
    for (Future<String> f : placing) {
      locations.add(f.get());
    }
    clients.shutdown();

    platform.awaitQuiet();

    // this test's own orders, by id: others on the shared platform (the chaos page's load, say)
    // may be customer-2's too
    String[] ids =
        locations.stream().map(l -> l.substring(l.lastIndexOf('/') + 1)).toArray(String[]::new);
    Map<String, Long> byStatus = new HashMap<>();
    platform
        .orders
        .sql("SELECT status, count(*) FROM orders WHERE id::text = ANY(?) GROUP BY status")
        .param(ids)
        .query((rs, n) -> byStatus.put(rs.getString(1), rs.getLong(2)))
        .list();
    System.out.println("conservation run: orders by status " + byStatus);
    assertThat(byStatus.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
    assertThat(byStatus).containsKeys("CONFIRMED", "REJECTED").doesNotContainKey("PENDING");
    Map<String, Long> confirmedQuantity = new HashMap<>();
    platform
        .orders
        .sql(
            "SELECT l.sku, sum(l.quantity) FROM orders o JOIN order_line l ON l.order_id = o.id"
                + " WHERE o.status = 'CONFIRMED' GROUP BY l.sku")
        .query((rs, n) -> confirmedQuantity.put(rs.getString(1), rs.getLong(2)))
        .list();
    for (String sku : skus) {
      int[] stock = stock(sku);
      assertThat(stock[0] + stock[1])
          .as("%s: available + reserved = stock set", sku)
          .isEqualTo(initial.get(sku));
      assertThat((long) stock[1])
          .as("%s: reserved = sum over confirmed orders", sku)
          .isEqualTo(confirmedQuantity.getOrDefault(sku, 0L));
    }
    assertThat(locations).hasSize(300);
  }

  @Test
  void theServicesOpenApiDocumentsAreServedThroughTheGateway() {
    Response orders = http.get("/docs/orders/v3/api-docs");
    Response inventory = http.get("/docs/inventory/v3/api-docs");

    assertThat(orders.status()).isEqualTo(200);
    assertThat(orders.body()).contains("\"/api/orders\"", "\"/api/orders/{id}/cancel\"");
    assertThat(inventory.status()).isEqualTo(200);
    assertThat(inventory.body()).contains("\"/api/inventory/{sku}\"");
    assertThat(http.get("/swagger-ui/index.html").status()).isEqualTo(200);
  }

  private Response placeOrder(String sku, int quantity) {
    return client.placeOrder(OrderRequest.of(sku, quantity));
  }

  /** The order once its saga has ended. */
  private JsonNode awaitDecided(String location) {
    client.awaitConcluded(location.substring(location.lastIndexOf('/') + 1), SAGA);
    return json(http.get(location));
  }

  private int[] stock(String sku) {
    JsonNode item = json(http.get("/api/inventory/" + sku));
    return new int[] {item.get("available").asInt(), item.get("reserved").asInt()};
  }

  private static JsonNode json(Response response) {
    return JSON.readTree(response.body());
  }
}
