package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.platform.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into real processes, two instances of each service behind the gateway: every
 * inventory instance frozen (a stall), then one of them killed (down).
 */
@SystemTest(instancesPerService = 2)
class ResilienceSystemTests {

  private static final OrderRequest ORDER = OrderRequest.of("RES-1", 1);

  private static Platform platform;

  private final PlatformClient client = platform.client();
  private final HttpJson http = client.http();

  @BeforeAll
  static void stock() {
    platform.client().setStock("RES-1", 1000);
  }

  @Test
  void
      ordersAreAcceptedWhileEveryInventoryInstanceIsStalledConfirmedOnceItRecoversAndTheBreakersClose() {
    // every instance that runs: another test may have killed one
    List<Instance> inventory =
        platform.inventoryInstances.stream().filter(i -> i.process().isAlive()).toList();
    // a SKU no order has named yet, so order-service asks the inventory about it on every order
    // (a SKU it has seen confirmed needs no call)
    String sku = "RES-" + UUID.randomUUID();
    client.setStock(sku, 1000);
    inventory.forEach(Instance::stall);
    List<String> placed = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Response response = client.placeOrder(OrderRequest.of(sku, 1));
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).contains("\"status\":\"PENDING\"");
        placed.add(response.header("Location"));
      }
      for (Instance order : platform.orderInstances) {
        HttpJson instance = Platform.management(order);
        assertThat(instance.get("/actuator/health").body())
            .as("the breaker opened on %s", order.name())
            .contains("\"inventory\"", "OPEN");
        assertThat(instance.get("/actuator/health/readiness").status())
            .as("and the instance stays ready")
            .isEqualTo(200);
      }
    } finally {
      inventory.forEach(Instance::resume);
    }

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(placed)
                    .allSatisfy(
                        location ->
                            assertThat(http.get(location).body())
                                .contains("\"status\":\"CONFIRMED\"")));

    // after the inventory recovered, the breakers half-open and close: each probe names a SKU
    // not confirmed yet, so that it makes the trial call
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String probe = "RES-" + UUID.randomUUID();
              client.setStock(probe, 10);
              assertThat(client.placeOrder(OrderRequest.of(probe, 1)).status()).isEqualTo(201);
              for (Instance order : platform.orderInstances) {
                assertThat(Platform.management(order).get("/actuator/health").body())
                    .doesNotContain("OPEN");
              }
            });
  }

  @Test
  void withOneInventoryInstanceDownTheGatewayRetriesOnTheOther() {
    platform.running(Topology.INVENTORY_SERVICE).process().kill();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(http.get("/api/inventory/RES-1").status());
    }

    assertThat(statuses).containsOnly(200);
    Response order = client.placeOrder(ORDER);
    assertThat(order.status()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(http.get(order.header("Location")).body())
                    .contains("\"status\":\"CONFIRMED\""));
  }
}
