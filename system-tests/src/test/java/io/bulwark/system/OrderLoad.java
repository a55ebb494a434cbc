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

  static final int STOCK = 1_000_000;

  /**
   * How a saga may end under the faults a test injects: confirmed, or also rejected by order
   * service's deadline when inventory's answer could not arrive in time (every broker down for
   * longer than the deadline).
   */
  enum Concluded {
    CONFIRMED,
    CONFIRMED_OR_PAST_DEADLINE
  }

  /** The load's own product, so that loads of one platform are checked apart from each other. */
  private final String sku = "LOAD-" + UUID.randomUUID().toString().substring(0, 8);

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

  /**
   * Sets the stock (as the operator) and starts the clients (as {@value #CUSTOMER}). Setting a
   * stock level is idempotent, so it is sent again, as an operator would, while a platform still
   * recovering from the last fault answers it with an error (for up to 60 s).
   */
  static OrderLoad start(PlatformClient platform, int clients) {
    OrderLoad load = new OrderLoad(platform.as(CUSTOMER).http(), clients);
    Await.until(
            () -> {
              try {
                platform.setStock(load.sku, STOCK);
                return true;
              } catch (IllegalStateException notYet) {
                System.out.println("order load: " + notYet.getMessage() + "; sending it again");
                return false;
              }
            })
        .every(Duration.ofSeconds(1))
        .within(Duration.ofSeconds(60), () -> "the stock of " + load.sku + " could not be set");
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
    String body = OrderRequest.of(sku, 1).json();
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

  /** How many orders sent at {@code nanos} or later have been acknowledged. */
  int acknowledgedSince(long nanos) {
    return (int) acknowledged.stream().filter(a -> a.sentNanos() >= nanos).count();
  }

  /** The ids of the orders sent at {@code nanos} or later and acknowledged. */
  List<String> acknowledgedIdsSince(long nanos) {
    return acknowledged.stream()
        .filter(a -> a.sentNanos() >= nanos)
        .map(a -> a.location().substring("/api/orders/".length()))
        .toList();
  }

  List<String> acknowledgedIds() {
    return acknowledged.stream().map(a -> a.location().substring("/api/orders/".length())).toList();
  }

  /**
   * Waits for a quiet point, then checks: every acknowledged order exists exactly once and is
   * confirmed, no other order of the load's product exists, and the stock adds up.
   */
  void assertNothingLost(Platform platform, String ordersUrl, String inventoryUrl) {
    assertNothingLost(platform, ordersUrl, inventoryUrl, Concluded.CONFIRMED);
  }

  /**
   * Waits for a quiet point, then checks: every acknowledged order exists exactly once and has
   * concluded as {@code concluded} allows, no other order of the load's product exists, nothing is
   * held for an order that was not confirmed, and the stock adds up. Returns the orders by status.
   */
  Map<String, Long> assertNothingLost(
      Platform platform, String ordersUrl, String inventoryUrl, Concluded concluded) {
    platform.awaitQuietOn(ordersUrl, inventoryUrl, Duration.ofSeconds(1));
    JdbcClient orders = Platform.jdbc(ordersUrl);
    JdbcClient inventory = Platform.jdbc(inventoryUrl);
    String ofThisLoad =
        " FROM orders o WHERE EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id AND l.sku"
            + " = '"
            + sku
            + "')";

    List<String> ids = acknowledgedIds();
    assertThat(ids).as("each order acknowledged once").doesNotHaveDuplicates();
    List<String> stored = orders.sql("SELECT o.id::text" + ofThisLoad).query(String.class).list();
    assertThat(stored)
        .as("every acknowledged order exists, and no other")
        .containsExactlyInAnyOrderElementsOf(ids);
    Map<String, String> statuses = new HashMap<>();
    orders
        .sql("SELECT o.id::text, o.status" + ofThisLoad)
        .query((rs, n) -> statuses.put(rs.getString(1), rs.getString(2)))
        .list();
    Map<String, Long> byStatus =
        statuses.values().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    status -> status, HashMap::new, java.util.stream.Collectors.counting()));
    if (concluded == Concluded.CONFIRMED) {
      assertThat(byStatus).as("every saga confirmed").containsOnlyKeys("CONFIRMED");
    } else {
      assertThat(byStatus.keySet()).as("every saga concluded").isSubsetOf("CONFIRMED", "REJECTED");
      assertThat(
              orders
                  .sql(
                      "SELECT DISTINCT o.rejection_reason"
                          + ofThisLoad
                          + " AND o.status = 'REJECTED'")
                  .query(String.class)
                  .list())
          .as("rejected only by the saga's deadline")
          .allMatch(reason -> reason.startsWith("inventory did not answer within"));
    }
    // every OrderPlaced reached the inventory, once (one decision per order), and so did every
    // OrderRejected: no event lost, none applied twice
    Map<String, String> decisions = new HashMap<>();
    inventory
        .sql(
            "SELECT r.order_id, r.status FROM reservation r JOIN reservation_line l ON l.order_id ="
                + " r.order_id WHERE l.sku = '"
                + sku
                + "'")
        .query((rs, n) -> decisions.put(rs.getString(1), rs.getString(2)))
        .list();
    assertThat(decisions.keySet())
        .as("the inventory decided on every acknowledged order, and no other")
        .containsExactlyInAnyOrderElementsOf(ids);
    statuses.forEach(
        (id, status) ->
            assertThat(decisions.get(id))
                .as("the inventory's decision on %s order %s", status, id)
                .isEqualTo("CONFIRMED".equals(status) ? "RESERVED" : "RELEASED"));
    long confirmed = byStatus.getOrDefault("CONFIRMED", 0L);
    long reserved = count(inventory, "SELECT reserved FROM stock_item WHERE sku = '" + sku + "'");
    long available = count(inventory, "SELECT available FROM stock_item WHERE sku = '" + sku + "'");
    assertThat(reserved + available).as("stock set = available + reserved").isEqualTo(STOCK);
    assertThat(reserved)
        .as("reserved = one per confirmed order, none for another")
        .isEqualTo(confirmed);
    return byStatus;
  }

  private static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
