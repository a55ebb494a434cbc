package io.bulwark.reliability.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What the service's database server says of itself and its standbys: which server answers (the
 * primary, unless the data source was pointed at a standby), its timeline (one more after each
 * promotion), and each standby streaming from it with its synchronous state and how far behind it
 * replays. The standbys' details need the {@code pg_monitor} role (or {@code pg_read_all_stats});
 * without it PostgreSQL hides them, and they are reported as unknown, with the reason.
 */
public final class DatabaseNodes {

  /** A standby streaming from the server: its name, state, sync state and replay lag. */
  public record Standby(
      String name,
      @Nullable String address,
      @Nullable String state,
      @Nullable String syncState,
      @Nullable Long replayLagBytes,
      @Nullable Double replayLagSeconds) {}

  /**
   * The server: {@code primary} or {@code standby}, its address as it sees it, its timeline (null
   * on a standby), and its standbys, or why they are unknown.
   */
  public record View(
      String role,
      @Nullable String server,
      @Nullable Integer timeline,
      List<Standby> standbys,
      @Nullable String standbysUnknown) {}

  private final DataSource dataSource;

  public DatabaseNodes(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public View read() {
    try (Connection connection = dataSource.getConnection()) {
      boolean standby;
      String server;
      try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT pg_is_in_recovery(), coalesce(host(inet_server_addr()), 'local socket')"
                      + " || ':' || coalesce(inet_server_port()::text, current_setting('port'))");
          ResultSet row = select.executeQuery()) {
        row.next();
        standby = row.getBoolean(1);
        server = row.getString(2);
      }
      if (standby) {
        return new View("standby", server, null, List.of(), "asked a standby");
      }
      return new View("primary", server, timeline(connection), standbys(connection), null);
    } catch (SQLException e) {
      throw new IllegalStateException("database unavailable: " + e.getMessage(), e);
    }
  }

  /** The timeline, from the name of the WAL file being written (its first eight hex digits). */
  private static int timeline(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement("SELECT pg_walfile_name(pg_current_wal_lsn())");
        ResultSet row = select.executeQuery()) {
      row.next();
      return Integer.parseInt(row.getString(1).substring(0, 8), 16);
    }
  }

  private static List<Standby> standbys(Connection connection) throws SQLException {
    List<Standby> standbys = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT application_name, host(client_addr), state, sync_state,"
                    + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
                    + " extract(epoch FROM replay_lag)::float8"
                    + " FROM pg_stat_replication ORDER BY application_name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Long lagBytes = rows.getLong(5);
        lagBytes = rows.wasNull() ? null : lagBytes;
        Double lagSeconds = rows.getDouble(6);
        lagSeconds = rows.wasNull() ? null : lagSeconds;
        standbys.add(
            new Standby(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                lagBytes,
                lagSeconds));
      }
    }
    return standbys;
  }
}
