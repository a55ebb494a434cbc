package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.WriteOutage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A steady order load through the gateway, as careful clients send it: each order has its own
 * idempotency key and is sent again with that key until the platform answers 201, whatever happens
 * in between (no answer, 5xx, 409 while the first attempt is in flight). Records every acknowledged
 * order and when it was sent and answered, to measure write outages.
 */
final class OrderLoad {

  static final String SKU = "LOAD-1";
  static final int STOCK = 1_000_000;

  private record Acknowledged(String location, long sentNanos, long answeredNanos) {}

  private final HttpJson http;
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** Whose orders the load places: every order of this customer is the load's. */
  static final String CUSTOMER = Identities.CUSTOMER_2;

  private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
  private final ExecutorService clients;
  private final List<Future<?>> work = new ArrayList<>();

  private OrderLoad(HttpJson http, int clients) {
    this.http = http;
    this.clients = Executors.newFixedThreadPool(clients);
  }

  /** Sets the stock (as the operator) and starts the clients (as {@value #CUSTOMER}). */
  static OrderLoad start(PlatformClient platform, int clients) {
    platform.setStock(SKU, STOCK);
    OrderLoad load = new OrderLoad(platform.as(CUSTOMER).http(), clients);
    for (int c = 0; c < clients; c++) {
      load.work.add(load.clients.submit(load::run));
    }
    return load;
  }

  private Void run() {
    while (running.get()) {
      long sent = System.nanoTime();
      String location = placeUntilAnswered();
      acknowledged.add(new Acknowledged(location, sent, System.nanoTime()));
    }
    return null;
  }

  private String placeUntilAnswered() {
    String key = UUID.randomUUID().toString();
    String body = OrderRequest.of(SKU, 1).json();
    return Await.untilPresent(
            () -> {
              try {
                Response response = http.postWithKey("/api/orders", body, key);
                if (response.status() == 201) {
                  return Optional.of(response.header("Location"));
                }
                assertThat(response.status()).as(response.body()).isIn(409, 500, 502, 503, 504);
              } catch (IllegalStateException noAnswer) {
                // the outcome is unknown: send it again with the same key
              }
              return Optional.<String>empty();
            })
        .within(Duration.ofSeconds(120), () -> "order with key " + key + " never acknowledged");
  }

  /** Stops the clients once their orders in progress are answered. */
  void stop() throws Exception {
    running.set(false);
    for (Future<?> f : work) {
      f.get(180, TimeUnit.SECONDS);
    }
    clients.shutdown();
  }

  /**
   * Seconds from {@code killNanos}, the moment the primary was dead, to the acknowledgement of the
   * first order sent after it.
   */
  double writeOutageAfter(long killNanos) {
    return WriteOutage.after(
            killNanos,
            acknowledged.stream()
                .map(a -> new WriteOutage.Write(a.sentNanos(), a.answeredNanos()))
                .toList())
        .orElseThrow(() -> new AssertionError("no order acknowledged after the kill"));
  }

  List<String> acknowledgedIds() {
    return acknowledged.stream().map(a -> a.location().substring("/api/orders/".length())).toList();
  }

  /**
   * Waits for a quiet point, then checks: every acknowledged order exists exactly once and is
   * confirmed, no other order exists, and the stock adds up.
   */
  void assertNothingLost(String ordersUrl, String inventoryUrl) {
    Platform.awaitQuiet(ordersUrl, inventoryUrl, Duration.ofSeconds(1));
    JdbcClient orders = Platform.jdbc(ordersUrl);
    JdbcClient inventory = Platform.jdbc(inventoryUrl);

    List<String> ids = acknowledgedIds();
    assertThat(ids).as("each order acknowledged once").doesNotHaveDuplicates();
    assertThat(count(orders, "SELECT count(*) FROM orders WHERE customer_id = '" + CUSTOMER + "'"))
        .as("every acknowledged order exists, and no other")
        .isEqualTo(ids.size());
    Map<String, Long> byStatus = new HashMap<>();
    orders
        .sql(
            "SELECT status, count(*) FROM orders WHERE customer_id = '"
                + CUSTOMER
                + "' GROUP BY status")
        .query((rs, n) -> byStatus.put(rs.getString(1), rs.getLong(2)))
        .list();
    assertThat(byStatus).as("every saga completed").containsOnlyKeys("CONFIRMED");
    long reserved = count(inventory, "SELECT reserved FROM stock_item WHERE sku = '" + SKU + "'");
    long available = count(inventory, "SELECT available FROM stock_item WHERE sku = '" + SKU + "'");
    assertThat(reserved + available).as("stock set = available + reserved").isEqualTo(STOCK);
    assertThat(reserved).as("reserved = sum over confirmed orders").isEqualTo(ids.size());
  }

  private static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
