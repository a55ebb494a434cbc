package io.bulwark.benchmarks;

import io.bulwark.harness.Await;
import io.bulwark.harness.platform.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the platform reports about itself while it is measured: databases and metrics. */
final class Probe {

  /** The value in Spring's metrics endpoint's answer for a gauge. */
  private static final Pattern METER_VALUE =
      Pattern.compile("\"statistic\":\"VALUE\",\"value\":([-0-9.Ee]+)");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * Outbox backlog (both services' databases), sampled once a second while running: the services'
   * gauge reads its database at most once a second, so sampling more often sees nothing new. It
   * reads the one meter, not the whole Prometheus page: four scrapes a second of two instances' 158
   * KB pages cost the platform CPU that every earlier run charged to its orders.
   */
  static final class BacklogSampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong max = new AtomicLong();
    private final Thread thread;

    BacklogSampler() {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  max.accumulateAndGet(backlog(), Math::max);
                  try {
                    Thread.sleep(1_000);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "backlog-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long max() {
      return max.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.interrupt();
      thread.join();
    }
  }

  /**
   * The outbox backlog summed over the services, as their gauge reports it. Every instance of a
   * service reports the same backlog (its database's), so one instance per service is read.
   */
  static long backlog() {
    long sum = 0;
    for (int port :
        List.of(LocalRun.TOPOLOGY.orderPorts().get(0), LocalRun.TOPOLOGY.inventoryPorts().get(0))) {
      try {
        String meter =
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                Topology.url(LocalRun.TOPOLOGY.managementPortOf(port))
                                    + "/actuator/metrics/bulwark.outbox.backlog"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher value = METER_VALUE.matcher(meter);
        if (value.find()) {
          sum += (long) Double.parseDouble(value.group(1));
        }
      } catch (IOException | NumberFormatException e) {
        // an instance that does not answer now counts nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return sum;
  }

  /**
   * Saga completion of the given orders in milliseconds, from the order's commit to its
   * confirmation's (the 201 is sent at the first, CONFIRMED is visible from the second); waits up
   * to {@code wait} for the sagas still running. Orders not concluded by then are counted apart.
   */
  static SagaTimes sagaTimes(List<String> orderIds, Duration wait)
      throws SQLException, InterruptedException {
    try (Connection orders = DriverManager.getConnection(LocalRun.ORDERS_DB, "postgres", "")) {
      Await.until(() -> concluded(orders, orderIds)).every(Duration.ofMillis(250)).within(wait);
      List<Double> millis = new ArrayList<>();
      try (PreparedStatement select =
          orders.prepareStatement(
              "SELECT extract(epoch FROM updated_at - created_at) * 1000 FROM orders"
                  + " WHERE id = ANY(?) AND status = 'CONFIRMED'")) {
        Array ids = uuids(orders, orderIds);
        select.setArray(1, ids);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            millis.add(rows.getDouble(1));
          }
        }
      }
      return new SagaTimes(millis, pending(orders, orderIds));
    }
  }

  record SagaTimes(List<Double> confirmedMillis, long notConcluded) {}

  private static boolean concluded(Connection orders, List<String> orderIds) {
    try {
      return pending(orders, orderIds) == 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the orders", e);
    }
  }

  private static long pending(Connection orders, List<String> orderIds) throws SQLException {
    try (PreparedStatement count =
        orders.prepareStatement(
            "SELECT count(*) FROM orders WHERE id = ANY(?) AND status = 'PENDING'")) {
      count.setArray(1, uuids(orders, orderIds));
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static Array uuids(Connection connection, List<String> ids) throws SQLException {
    return connection.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray());
  }

  /** Relay lag: commit of an outbox event to its publication, in ms, for events since a time. */
  static List<Double> relayLagMillis(String jdbcUrl, java.time.Instant since) throws SQLException {
    List<Double> millis = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement select =
            db.prepareStatement(
                "SELECT extract(epoch FROM published_at - created_at) * 1000 FROM bulwark.outbox"
                    + " WHERE created_at >= ? AND published_at IS NOT NULL")) {
      select.setTimestamp(1, java.sql.Timestamp.from(since));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          millis.add(rows.getDouble(1));
        }
      }
    }
    return millis;
  }

  private Probe() {}
}
