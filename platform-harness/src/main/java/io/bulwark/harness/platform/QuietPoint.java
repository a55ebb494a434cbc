package io.bulwark.harness.platform;

import io.bulwark.harness.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A quiet point of the platform, as the tests and the benchmarks wait for it: no order is pending
 * (every saga has ended) and neither service's outbox holds an unpublished event. What the platform
 * holds then is settled, so it can be counted and checked.
 */
public final class QuietPoint {

  private final String ordersUrl;
  private final String inventoryUrl;

  /** On the services' databases (JDBC URLs, user {@code postgres}). */
  public QuietPoint(String ordersUrl, String inventoryUrl) {
    this.ordersUrl = ordersUrl;
    this.inventoryUrl = inventoryUrl;
  }

  /** Whether the platform is quiet now; false while a database cannot be read. */
  public boolean reached() {
    try {
      return count(ordersUrl, "SELECT count(*) FROM orders WHERE status = 'PENDING'") == 0
          && count(ordersUrl, UNPUBLISHED) == 0
          && count(inventoryUrl, UNPUBLISHED) == 0;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Whether a quiet point came within {@code timeout}, checked after every {@code pause}. */
  public boolean reachedWithin(Duration timeout, Duration pause) {
    return Await.until(this::reached).every(pause).within(timeout);
  }

  /** Waits for a quiet point; fails if none comes within {@code timeout}. */
  public void await(Duration timeout, Duration pause) {
    if (!reachedWithin(timeout, pause)) {
      throw new IllegalStateException(
          "the platform was not quiet within " + timeout + ": " + whatIsBusy());
    }
  }

  /** What keeps the platform from being quiet now, to say why a wait failed. */
  public String whatIsBusy() {
    try {
      return count(ordersUrl, "SELECT count(*) FROM orders WHERE status = 'PENDING'")
          + " orders pending, unpublished events: "
          + count(ordersUrl, UNPUBLISHED)
          + " in order-service's outbox (shards "
          + shardsOf(ordersUrl)
          + "), "
          + count(inventoryUrl, UNPUBLISHED)
          + " in inventory-service's (shards "
          + shardsOf(inventoryUrl)
          + ")";
    } catch (SQLException e) {
      return "a database cannot be read: " + e.getMessage();
    }
  }

  private static String shardsOf(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT string_agg(DISTINCT shard::text, ',') FROM bulwark.outbox"
                    + " WHERE published_at IS NULL")) {
      rows.next();
      return String.valueOf(rows.getString(1));
    }
  }

  private static final String UNPUBLISHED =
      "SELECT count(*) FROM bulwark.outbox WHERE published_at IS NULL";

  private static long count(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
