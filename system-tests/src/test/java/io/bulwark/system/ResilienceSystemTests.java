package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults injected into real processes, two instances of each service behind the gateway: every
 * inventory instance frozen (a stall), then one of them killed (down).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceSystemTests {

  private static final String ORDER =
      "{\"customerId\": \"c-r\", \"items\": [{\"sku\": \"RES-1\", \"quantity\": 1}]}";

  private static Platform platform;
  private static HttpJson http;

  @BeforeAll
  static void startPlatform() {
    platform = new Platform(2);
    http = new HttpJson(platform.gateway());
    assertThat(http.put("/api/inventory/RES-1", "{\"available\": 1000}").status()).isEqualTo(200);
  }

  @AfterAll
  static void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void ordersAreAcceptedWhileEveryInventoryInstanceIsStalledAndConfirmedOnceItRecovers() {
    platform.inventoryInstances.forEach(Instance::stall);
    List<String> placed = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Response response = http.postOnce("/api/orders", ORDER);
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).contains("\"status\":\"PENDING\"");
        placed.add(response.header("Location"));
      }
      for (Instance order : platform.orderInstances) {
        HttpJson instance = new HttpJson(order.url());
        assertThat(instance.get("/actuator/health").body())
            .as("the breaker opened on %s", order.url())
            .contains("\"inventory\"", "OPEN");
        assertThat(instance.get("/actuator/health/readiness").status())
            .as("and the instance stays ready")
            .isEqualTo(200);
      }
    } finally {
      platform.inventoryInstances.forEach(Instance::resume);
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
  }

  @Test
  @Order(2)
  void afterTheInventoryRecoversTheBreakersHalfOpenAndClose() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(http.postOnce("/api/orders", ORDER).status()).isEqualTo(201);
              for (Instance order : platform.orderInstances) {
                assertThat(new HttpJson(order.url()).get("/actuator/health").body())
                    .doesNotContain("OPEN");
              }
            });
  }

  @Test
  @Order(3)
  void withOneInventoryInstanceDownTheGatewayRetriesOnTheOther() {
    platform.inventoryInstances.get(0).process().kill();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(http.get("/api/inventory/RES-1").status());
    }

    assertThat(statuses).containsOnly(200);
    Response order = http.postOnce("/api/orders", ORDER);
    assertThat(order.status()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(http.get(order.header("Location")).body())
                    .contains("\"status\":\"CONFIRMED\""));
  }
}
