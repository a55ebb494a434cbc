package io.bulwark.reliability.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The state of the kit's tables: the outbox's backlog per shard, the inbox, the key store. */
public final class ReliabilityTables {

  /** One shard's unpublished messages and the oldest one's creation time. */
  public record ShardBacklog(int shard, long unpublished, @Nullable Instant oldestCreatedAt) {}

  /** The outbox: backlog per shard (only shards with one), and published rows not yet purged. */
  public record OutboxState(List<ShardBacklog> backlog, long publishedAwaitingPurge) {}

  /** A table's rows and its oldest row's time. */
  public record TableState(long rows, @Nullable Instant oldest) {}

  private final DataSource dataSource;

  public ReliabilityTables(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public OutboxState outbox() {
    try (Connection connection = dataSource.getConnection()) {
      List<ShardBacklog> backlog = new ArrayList<>();
      try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT shard, count(*), min(created_at) FROM bulwark.outbox"
                      + " WHERE published_at IS NULL GROUP BY shard ORDER BY shard");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          backlog.add(new ShardBacklog(rows.getInt(1), rows.getLong(2), instant(rows, 3)));
        }
      }
      return new OutboxState(
          backlog,
          count(connection, "SELECT count(*) FROM bulwark.outbox WHERE published_at IS NOT NULL"));
    } catch (SQLException e) {
      throw new IllegalStateException("outbox unavailable", e);
    }
  }

  public TableState inbox() {
    return table("SELECT count(*), min(processed_at) FROM bulwark.inbox");
  }

  /** Idempotency keys: all of them, and the oldest one's expiry. */
  public TableState idempotencyKeys() {
    return table("SELECT count(*), min(expires_at) FROM bulwark.idempotency_key");
  }

  private TableState table(String sql) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return new TableState(row.getLong(1), instant(row, 2));
    } catch (SQLException e) {
      throw new IllegalStateException("reliability tables unavailable", e);
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  private static @Nullable Instant instant(ResultSet row, int column) throws SQLException {
    Timestamp timestamp = row.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}
