package io.bulwark.reliability.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What each purge removed, the last time it ran and in all, across instances ({@code
 * bulwark.housekeeping}).
 */
public final class Housekeeping {

  /** One task's record. */
  public record Run(String task, Instant lastRunAt, long lastRemoved, long totalRemoved) {}

  private final DataSource dataSource;
  private final Clock clock;

  public Housekeeping(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public void record(String task, long removed) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement upsert =
            connection.prepareStatement(
                "INSERT INTO bulwark.housekeeping AS h (task, last_run_at, last_removed,"
                    + " total_removed) VALUES (?, ?, ?, ?) ON CONFLICT (task) DO UPDATE SET"
                    + " last_run_at = excluded.last_run_at, last_removed = excluded.last_removed,"
                    + " total_removed = h.total_removed + excluded.last_removed")) {
      upsert.setString(1, task);
      upsert.setTimestamp(2, Timestamp.from(clock.instant()));
      upsert.setLong(3, removed);
      upsert.setLong(4, removed);
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("housekeeping record unavailable", e);
    }
  }

  public List<Run> runs() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT task, last_run_at, last_removed, total_removed FROM bulwark.housekeeping"
                    + " ORDER BY task");
        ResultSet rows = select.executeQuery()) {
      List<Run> runs = new ArrayList<>();
      while (rows.next()) {
        runs.add(
            new Run(
                rows.getString(1),
                rows.getTimestamp(2).toInstant(),
                rows.getLong(3),
                rows.getLong(4)));
      }
      return runs;
    } catch (SQLException e) {
      throw new IllegalStateException("housekeeping record unavailable", e);
    }
  }
}
