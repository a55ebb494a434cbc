package io.bulwark.reliability.failover;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;

/**
 * Opens a pool's connections to whichever host a multi-host URL finds the primary on, and when a
 * new connection lands on another host than the one before (the primary has moved), aborts every
 * connection still open on the others.
 *
 * <p>A primary cut off the network (packets dropped, nothing reset) leaves every statement in
 * flight on it waiting for an answer that will not come, holding its pool slot, its request thread
 * and whatever the request holds, until the driver's {@code socketTimeout} (20 s by the kit's
 * defaults) or the network's repair. Nothing those statements do there can be acknowledged by then:
 * in synchronous replication a commit on a primary cut off from its standby waits for the standby
 * too, and the promoted standby will not have it. So once a connection proves another host the
 * primary, the connections on the old one are closed at once ({@link Connection#abort}, which
 * closes the socket without waiting on the server): each waiting statement fails as a lost
 * connection, the pool evicts it, and the caller's retry reaches the new primary.
 */
public final class PrimaryMoveDataSource extends ForwardingDataSource {

  private static final Logger LOG = Logger.getLogger(PrimaryMoveDataSource.class.getName());

  private final Map<Connection, String> open = new ConcurrentHashMap<>();
  private final AtomicReference<@Nullable String> primary = new AtomicReference<>();
  private final Executor aborts;

  /** {@code aborts} runs each abort (pgjdbc closes the socket there). */
  public PrimaryMoveDataSource(DataSource target, Executor aborts) {
    super(target);
    this.aborts = aborts;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return opened(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return opened(target.getConnection(username, password));
  }

  private Connection opened(Connection connection) throws SQLException {
    String host = hostOf(connection);
    open.keySet().removeIf(PrimaryMoveDataSource::closed);
    open.put(connection, host);
    String before = primary.getAndSet(host);
    if (before != null && !before.equals(host)) {
      abortAllBut(host, before);
    }
    return connection;
  }

  private void abortAllBut(String host, String before) {
    int aborted = 0;
    for (Map.Entry<Connection, String> entry : open.entrySet()) {
      if (!entry.getValue().equals(host) && open.remove(entry.getKey(), entry.getValue())) {
        try {
          entry.getKey().abort(aborts);
          aborted++;
        } catch (SQLException | RuntimeException e) {
          LOG.log(Level.FINE, "could not abort a connection to " + entry.getValue(), e);
        }
      }
    }
    LOG.warning(
        "the primary moved from %s to %s: aborted %d connection(s) still open on the old host"
            .formatted(before, host, aborted));
  }

  private static String hostOf(Connection connection) throws SQLException {
    if (connection.isWrapperFor(BaseConnection.class)) {
      return connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().toString();
    }
    return Objects.toString(connection.getMetaData().getURL());
  }

  private static boolean closed(Connection connection) {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }
}
