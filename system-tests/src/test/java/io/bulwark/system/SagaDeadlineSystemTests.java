package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The saga's deadline across the real processes, with a short one: no order waits for ever on an
 * inventory that does not answer, and what the inventory does when it comes back keeps the stock
 * conserved.
 */
@SystemTest(orderService = {"bulwark.saga.deadline=5s", "bulwark.saga.check-interval=500ms"})
class SagaDeadlineSystemTests {

  private static Platform platform;

  @Test
  void withTheInventoryDownPastTheDeadlineEveryOrderIsRejectedAndItsStockComesBackOnce() {
    PlatformClient client = platform.client();
    client.setStock("LATE-1", 100);
    List<Instance> inventory = List.copyOf(platform.inventoryInstances);
    inventory.forEach(instance -> instance.process().kill());

    Instant first = Instant.now();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(client.placedOrderId(OrderRequest.of("LATE-1", 2)));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> count("status = 'PENDING'", ids) == 0);
    Duration concluded = Duration.between(first, Instant.now());

    assertThat(count("status = 'REJECTED'", ids)).isEqualTo(ids.size());
    assertThat(
            platform
                .orders
                .sql("SELECT DISTINCT rejection_reason FROM orders WHERE id::text IN (:ids)")
                .param("ids", ids)
                .query(String.class)
                .list())
        .containsExactly("inventory did not answer within 5 s");
    System.out.printf(
        "%d orders concluded %.1f s after the first was placed%n",
        ids.size(), concluded.toMillis() / 1000.0);

    // the inventory comes back and reads what it missed: each placing, then each rejection
    inventory.forEach(platform::restart);
    platform.awaitQuiet();

    assertThat(
            platform
                .inventory
                .sql("SELECT available || '/' || reserved FROM stock_item WHERE sku = 'LATE-1'")
                .query(String.class)
                .single())
        .as("available/reserved: every unit back, none held")
        .isEqualTo("100/0");
    assertThat(
            platform
                .inventory
                .sql(
                    "SELECT count(*) FROM reservation WHERE order_id IN (:ids)"
                        + " AND status = 'RELEASED'")
                .param("ids", ids)
                .query(Long.class)
                .single())
        .isEqualTo(ids.size());
    assertThat(
            platform
                .inventory
                .sql(
                    "SELECT count(*) FROM bulwark.outbox WHERE message_key IN (:ids)"
                        + " AND event_type = 'StockReleased'")
                .param("ids", ids)
                .query(Long.class)
                .single())
        .as("one release per order, never two")
        .isEqualTo(ids.size());
  }

  private static long count(String condition, List<String> ids) {
    return platform
        .orders
        .sql("SELECT count(*) FROM orders WHERE " + condition + " AND id::text IN (:ids)")
        .param("ids", ids)
        .query(Long.class)
        .single();
  }
}
