package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.testsupport.http.HttpJson;
import io.bulwark.testsupport.http.HttpJson.Response;
import io.bulwark.testsupport.kafka.TestKafka;
import io.bulwark.testsupport.postgres.PostgresPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The application side of a database failover, on real processes: the services run on a primary
 * with a synchronous standby (multi-host JDBC URL, {@code targetServerType=primary}); under a
 * steady order load through the gateway the primary's postmaster is killed and, as an HA engine
 * would, the standby is promoted. Clients retry with their idempotency keys until they get an
 * answer. Every acknowledged order must exist once and end its saga; nothing else may exist.
 */
class PrimaryPromotionFailoverSystemTests {

  private static PostgresPair pair;
  private static Platform platform;

  @BeforeAll
  static void start() {
    pair = PostgresPair.start();
    pair.createDatabase("orders");
    pair.createDatabase("inventory");
    platform = new Platform(1, pair.jdbcUrl("orders"), pair.jdbcUrl("inventory"));
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void everyAcknowledgedOrderSurvivesThePrimarysDeathAndEndsItsSaga() throws Exception {
    HttpJson http = new HttpJson(platform.gateway());
    assertThat(http.put("/api/inventory/FAIL-1", "{\"available\": 100000}").status())
        .isEqualTo(200);
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicLong killedAt = new AtomicLong();
    AtomicLong firstAfterKill = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> load = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      load.add(
          clients.submit(
              () -> {
                while (running.get()) {
                  long started = System.nanoTime();
                  String location = placeUntilAnswered(http);
                  acknowledged.add(location);
                  if (killedAt.get() != 0 && started > killedAt.get()) {
                    firstAfterKill.compareAndSet(0, System.nanoTime());
                  }
                }
                return null;
              }));
    }

    Thread.sleep(5_000);
    killedAt.set(System.nanoTime());
    pair.killPrimary();
    Thread.sleep(2_000); // the HA engine's reaction time
    pair.promoteStandby();
    Thread.sleep(8_000);
    running.set(false);
    for (Future<?> f : load) {
      f.get(120, TimeUnit.SECONDS);
    }
    clients.shutdown();

    double outage = (firstAfterKill.get() - killedAt.get()) / 1e9;
    System.out.printf(
        "failover by promotion: %d orders acknowledged, write outage %.1f s (2 s of it the simulated HA reaction)%n",
        acknowledged.size(), outage);

    JdbcClient orders = jdbc(pair.standbyUrl("orders"));
    JdbcClient inventory = jdbc(pair.standbyUrl("inventory"));
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                count(orders, "SELECT count(*) FROM orders WHERE status = 'PENDING'") == 0
                    && count(
                            orders,
                            "SELECT count(*) FROM bulwark.outbox WHERE published_at IS NULL")
                        == 0
                    && count(
                            inventory,
                            "SELECT count(*) FROM bulwark.outbox WHERE published_at IS NULL")
                        == 0);
    TestKafka.awaitConsumed("inventory-service", "bulwark.orders.events", Duration.ofSeconds(60));
    TestKafka.awaitConsumed("order-service", "bulwark.inventory.events", Duration.ofSeconds(60));

    List<String> ids =
        acknowledged.stream().map(l -> l.substring("/api/orders/".length())).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(count(orders, "SELECT count(*) FROM orders"))
        .as("no order the client was not told of")
        .isEqualTo(ids.size());
    Map<String, Long> byStatus = new HashMap<>();
    orders
        .sql("SELECT status, count(*) FROM orders GROUP BY status")
        .query((rs, n) -> byStatus.put(rs.getString(1), rs.getLong(2)))
        .list();
    assertThat(byStatus).containsOnlyKeys("CONFIRMED");
    long reserved = count(inventory, "SELECT reserved FROM stock_item WHERE sku = 'FAIL-1'");
    long available = count(inventory, "SELECT available FROM stock_item WHERE sku = 'FAIL-1'");
    assertThat(reserved + available).isEqualTo(100_000);
    assertThat(reserved).isEqualTo(ids.size());
    assertThat(outage).isPositive();
  }

  /** One order, retried with the same key until the platform answers 201. */
  private static String placeUntilAnswered(HttpJson http) {
    String key = UUID.randomUUID().toString();
    String body = "{\"customerId\":\"fo\",\"items\":[{\"sku\":\"FAIL-1\",\"quantity\":1}]}";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        Response response = http.postWithKey("/api/orders", body, key);
        if (response.status() == 201) {
          return response.header("Location");
        }
        assertThat(response.status()).as(response.body()).isIn(409, 500, 502, 503, 504);
      } catch (IllegalStateException connectionFailed) {
        // no answer: the outcome is unknown, so send it again with the same key
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("order with key " + key + " never acknowledged");
  }

  private static JdbcClient jdbc(String url) {
    return JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
  }

  private static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
