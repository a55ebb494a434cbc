package io.bulwark.reliability.standby;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source for reads that lets a standby serve them without ever serving one older than the
 * caller's own writes. Each connection it hands out is fenced: it reads the primary's current WAL
 * position (a one-row query that touches no table), and lends a standby connection only once that
 * standby has replayed up to it, so everything committed before the read began, the caller's own
 * writes included, is visible there. Otherwise the read goes to the primary:
 *
 * <ul>
 *   <li>the standby cannot be reached (stopped, cut off): and for {@code away} after that, every
 *       read goes straight to the primary rather than waiting on the standby again;
 *   <li>it has not replayed up to the fence within {@code patience} (lagging, replay paused);
 *   <li>the node reached is no standby any more (promoted): its connection is discarded.
 * </ul>
 *
 * Where each read went is told to an observer, for metrics. The fence costs the primary one round
 * trip per read, against the work of the read itself, which the standby does. Not a {@link
 * DataSource} itself, so that an application's own data source is never taken for it (or it for
 * that); {@link #dataSource()} gives one to hand to a query tool.
 */
public final class StandbyReads {

  /** Where a read was served, and why not by the standby when it was not. */
  public enum Served {
    STANDBY,
    PRIMARY_STANDBY_AWAY,
    PRIMARY_STANDBY_BEHIND,
    PRIMARY_NOT_A_STANDBY
  }

  private static final String FENCE = "SELECT pg_current_wal_lsn()::text";
  private static final String REPLAYED =
      "SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false)";

  private final DataSource primary;
  private final DataSource standby;
  private final Duration patience;
  private final Duration away;
  private final LongSupplier nanoTime;
  private final Consumer<Connection> discard;
  private final Consumer<Served> observer;
  private volatile long awayUntilNanos;

  /**
   * @param discard what to do with a standby connection to a node that is no standby any more (a
   *     pool evicts it; closing would only return it to the pool)
   */
  public StandbyReads(
      DataSource primary,
      DataSource standby,
      Duration patience,
      Duration away,
      LongSupplier nanoTime,
      Consumer<Connection> discard,
      Consumer<Served> observer) {
    this.primary = primary;
    this.standby = standby;
    this.patience = patience;
    this.away = away;
    this.nanoTime = nanoTime;
    this.discard = discard;
    this.observer = observer;
    this.awayUntilNanos = nanoTime.getAsLong(); // not away to begin with
  }

  /** A data source whose every connection comes from {@link #connection()}. */
  public DataSource dataSource() {
    return new Source(this);
  }

  /** A connection to read on: the standby's if it has replayed the fence, else the primary's. */
  public Connection connection() throws SQLException {
    if (nanoTime.getAsLong() - awayUntilNanos < 0) {
      return primary(Served.PRIMARY_STANDBY_AWAY);
    }
    String fence;
    try (Connection connection = primary.getConnection();
        PreparedStatement query = connection.prepareStatement(FENCE);
        ResultSet position = query.executeQuery()) {
      position.next();
      fence = position.getString(1);
    }
    Connection reader;
    try {
      reader = standby.getConnection();
    } catch (SQLException unreachable) {
      awayUntilNanos = nanoTime.getAsLong() + away.toNanos();
      return primary(Served.PRIMARY_STANDBY_AWAY);
    }
    try {
      Served served = awaitReplay(reader, fence);
      if (served == Served.STANDBY) {
        observer.accept(served);
        return reader;
      }
      if (served == Served.PRIMARY_NOT_A_STANDBY) {
        discard.accept(reader);
      } else {
        reader.close();
      }
      return primary(served);
    } catch (SQLException failed) {
      // the standby went away mid-check
      discard.accept(reader);
      awayUntilNanos = nanoTime.getAsLong() + away.toNanos();
      return primary(Served.PRIMARY_STANDBY_AWAY);
    }
  }

  /** Whether the standby has replayed the fence, asking again until {@code patience} is spent. */
  private Served awaitReplay(Connection reader, String fence) throws SQLException {
    long deadline = nanoTime.getAsLong() + patience.toNanos();
    try (PreparedStatement replayed = reader.prepareStatement(REPLAYED)) {
      replayed.setString(1, fence);
      while (true) {
        try (ResultSet state = replayed.executeQuery()) {
          state.next();
          if (!state.getBoolean(1)) {
            return Served.PRIMARY_NOT_A_STANDBY;
          }
          if (state.getBoolean(2)) {
            return Served.STANDBY;
          }
        }
        if (nanoTime.getAsLong() - deadline >= 0) {
          return Served.PRIMARY_STANDBY_BEHIND;
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
  }

  private Connection primary(Served served) throws SQLException {
    Connection connection = primary.getConnection();
    observer.accept(served);
    return connection;
  }

  private record Source(StandbyReads reads) implements DataSource {

    @Override
    public Connection getConnection() throws SQLException {
      return reads.connection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("credentials come from the pools underneath");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return reads.primary.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      reads.primary.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      reads.primary.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return reads.primary.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return Logger.getLogger("io.bulwark.reliability.standby");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }
  }
}
