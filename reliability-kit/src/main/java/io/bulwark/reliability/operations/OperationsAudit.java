package io.bulwark.reliability.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The audit log of operations in PostgreSQL ({@code bulwark.operation_audit}), newest first. */
public final class OperationsAudit {

  private final DataSource dataSource;
  private final Clock clock;

  public OperationsAudit(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public void record(String actor, String action, String target, String outcome) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO bulwark.operation_audit (at, actor, action, target, outcome)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setTimestamp(1, Timestamp.from(clock.instant()));
      insert.setString(2, actor);
      insert.setString(3, action);
      insert.setString(4, target);
      insert.setString(5, outcome);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("audit log unavailable", e);
    }
  }

  /** The latest entries first; the next page holds those with an id below the last one's. */
  public List<AuditEntry> list(long beforeId, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, at, actor, action, target, outcome FROM bulwark.operation_audit"
                    + " WHERE id < ? ORDER BY id DESC LIMIT ?")) {
      select.setLong(1, beforeId);
      select.setInt(2, limit);
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(
              new AuditEntry(
                  rows.getLong(1),
                  rows.getTimestamp(2).toInstant(),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getString(6)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new IllegalStateException("audit log unavailable", e);
    }
  }
}
