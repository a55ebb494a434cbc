package io.bulwark.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.load.OrderLoad;
import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.QuietPoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The compose stack for real, in a Docker Engine, with fresh secrets: up and healthy, an order
 * through the gateway confirmed, then the faults its topology is there for, each under a steady
 * order load whose history is checked on the databases afterwards: the Patroni primary's container
 * killed, then one Kafka broker's; and at the end {@code down -v} leaves nothing behind.
 *
 * <p>Needs a Docker Engine (Testcontainers skips the class without one, saying so) and the images,
 * which {@code ./mvnw verify -Dimages=local} (or {@code registry}) builds first; without them the
 * class is skipped, saying which are missing, unless the build was asked to make them.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeStackSystemTests {

  private static final Duration HEALTHY = Duration.ofMinutes(8);

  private static ComposeStack stack;

  @BeforeAll
  static void theStackIsUp() {
    List<String> missing = ComposeStack.missingImages();
    if (System.getProperty("bulwark.images", "").isEmpty()) {
      Assumptions.assumeTrue(
          missing.isEmpty(),
          () -> missing + " not built: ./mvnw package -DskipTests -Dimages=local (or registry)");
    } else {
      assertThat(missing).as("images the build was asked to make").isEmpty();
    }
    stack = ComposeStack.up(HEALTHY);
    System.out.printf(
        "compose stack: up and healthy after %.1f s%n", stack.timeToHealthy.toMillis() / 1000.0);
  }

  @AfterAll
  static void down() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void theStackComesUpHealthyAndAnOrderPlacedThroughTheGatewayIsConfirmed() {
    for (String service :
        List.of(
            "etcd",
            "postgres-1",
            "postgres-2",
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "auth-server",
            "order-service-1",
            "order-service-2",
            "inventory-service-1",
            "inventory-service-2",
            "gateway",
            "prometheus")) {
      assertThat(stack.container(service).getStatus()).as(service).contains("(healthy)");
    }
    assertThat(stack.container("kafka-setup").getStatus()).startsWith("Exited (0)");

    PlatformClient customer = stack.client(Identities.CUSTOMER_1);
    assertThat(new HttpJson(stack.gateway()).get("/api/orders").status()).isEqualTo(401);
    // the first calls after the start can outlast the gateway's time limit while the services'
    // JVMs still compile: an operator sends the (idempotent) stock level again, as this does
    long first = System.nanoTime();
    Await.until(() -> setStock(customer, "COMPOSE-1", 10))
        .every(Duration.ofSeconds(1))
        .within(Duration.ofSeconds(120), () -> "the stock of COMPOSE-1 could not be set");
    System.out.printf(
        "compose stack: first stock level set after %.1f s%n", (System.nanoTime() - first) / 1e9);
    // so can the first order: a client sends it again with the same Idempotency-Key, and gets the
    // first attempt's order if that one went through after all
    String key = UUID.randomUUID().toString();
    AtomicReference<String> location = new AtomicReference<>();
    Await.until(() -> placed(customer, OrderRequest.of("COMPOSE-1", 2), key, location))
        .every(Duration.ofSeconds(1))
        .within(Duration.ofSeconds(120), () -> "the order was not placed");
    String id = location.get().substring(location.get().lastIndexOf('/') + 1);
    assertThat(customer.awaitConcluded(id, Duration.ofSeconds(60))).isEqualTo("CONFIRMED");
  }

  @Test
  @Order(2)
  void thePrimarysContainerKilledUnderLoadHandsOverToTheStandbyAndNoAcknowledgedOrderIsLost()
      throws Exception {
    String primary = stack.primary().orElseThrow(() -> new AssertionError("no primary"));
    OrderLoad load = OrderLoad.start(stack.client(Identities.OPERATOR), 4);
    Thread.sleep(10_000);

    stack.kill(primary);
    long killed = System.nanoTime();
    String promoted = stack.awaitPrimaryOtherThan(primary, Duration.ofSeconds(60));
    Thread.sleep(15_000);
    load.stop();

    double outage = load.writeOutageAfter(killed);
    System.out.printf(
        "compose stack: %s killed, %s promoted; write outage %.1f s, %d orders acknowledged%n",
        primary, promoted, outage, load.acknowledgedIds().size());
    assertThat(load.acknowledgedSince(killed))
        .as("orders acknowledged after the kill")
        .isPositive();
    assertNothingLost(load);
    stack.start(primary);
  }

  @Test
  @Order(3)
  void oneBrokersContainerKilledUnderLoadLosesNothingAndStopsNoSaga() throws Exception {
    OrderLoad load = OrderLoad.start(stack.client(Identities.OPERATOR), 4);
    Thread.sleep(10_000);

    stack.kill("kafka-2");
    long killed = System.nanoTime();
    Thread.sleep(20_000);
    load.stop();

    System.out.printf(
        "compose stack: kafka-2 killed; %d orders acknowledged after it%n",
        load.acknowledgedSince(killed));
    assertThat(load.acknowledgedSince(killed))
        .as("orders acknowledged after the kill")
        .isPositive();
    assertNothingLost(load);
    stack.start("kafka-2");
  }

  @Test
  @Order(4)
  void downWithItsVolumesLeavesNoContainerVolumeOrNetworkBehind() {
    stack.close();

    assertThat(stack.leftovers()).isEmpty();
    stack = null;
  }

  private static boolean setStock(PlatformClient client, String sku, int available) {
    try {
      client.setStock(sku, available);
      return true;
    } catch (IllegalStateException notYet) {
      System.out.println("compose stack: " + notYet.getMessage() + "; sending it again");
      return false;
    }
  }

  /**
   * Sends the order with this key; true once it is placed (its location kept), false while the
   * platform answers that it cannot yet (a time limit, a breaker, the first attempt still running).
   */
  private static boolean placed(
      PlatformClient client, OrderRequest order, String key, AtomicReference<String> location) {
    Response response = client.placeOrder(order, key);
    if (response.status() == 201) {
      location.set(response.header("Location"));
      return true;
    }
    assertThat(response.status())
        .as("a refusal other than not yet: %s", response.body())
        .isIn(409, 429, 502, 503, 504);
    System.out.println("compose stack: order answered " + response.status() + "; sending it again");
    return false;
  }

  /** Once every saga has ended and both outboxes are drained: the load's history, checked. */
  private static void assertNothingLost(OrderLoad load) {
    new QuietPoint(stack.jdbcUrl("orders"), stack.jdbcUrl("inventory"))
        .await(Duration.ofSeconds(180), Duration.ofSeconds(1));
    Map<String, Long> byStatus =
        load.assertNothingLost(
            stack.database("orders"), stack.database("inventory"), OrderLoad.Concluded.CONFIRMED);
    System.out.println("compose stack: orders of the load by status " + byStatus);
  }
}
