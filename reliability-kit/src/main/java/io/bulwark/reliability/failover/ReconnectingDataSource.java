package io.bulwark.reliability.failover;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Opens connections for a pool, trying again every {@code pause} for up to {@code patience} while
 * the database cannot be reached or the host reached is not the primary, so the first connection
 * after a promotion is made within one pause of it.
 *
 * <p>Pools back off on their own when connecting fails: HikariCP doubles its pause after every
 * failed attempt, up to 5 s, so after a few seconds without a primary its next attempt can come
 * seconds after the new primary is there, and every write waits for it. Under the pool, this source
 * keeps the attempts close together for as long as a failover takes; past {@code patience} it gives
 * up with the last failure and leaves the pool's own backoff to pace a database that is gone for
 * longer. Any other failure (a wrong password, a missing database) is thrown at once.
 */
public final class ReconnectingDataSource extends ForwardingDataSource {

  private final Duration pause;
  private final Duration patience;

  public ReconnectingDataSource(DataSource target, Duration pause, Duration patience) {
    super(target);
    if (pause.isNegative() || pause.isZero() || patience.isNegative()) {
      throw new IllegalArgumentException("pause must be positive, patience not negative");
    }
    this.pause = pause;
    this.patience = patience;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return connect(() -> target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return connect(() -> target.getConnection(username, password));
  }

  private interface Attempt {
    Connection connect() throws SQLException;
  }

  private Connection connect(Attempt attempt) throws SQLException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return attempt.connect();
      } catch (SQLException failure) {
        if (!TransientFailures.isLostConnection(failure.getSQLState())
            || System.nanoTime() + pause.toNanos() > deadline) {
          throw failure;
        }
        LockSupport.parkNanos(pause.toNanos());
        if (Thread.currentThread().isInterrupted()) {
          throw failure;
        }
      }
    }
  }
}
