package io.bulwark.reliability.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits on PostgreSQL {@code LISTEN bulwark_outbox}: the outbox table's insert trigger notifies on
 * commit, once per shard that got new messages, with the shard as payload. The listening connection
 * is reopened after any failure (a failover, a restart), and the first wait on a new one ends at
 * once with {@link Woken#atAnyShard()}, since commits made while nobody listened went unheard; a
 * wait never exceeds the poll interval, so a notification lost otherwise costs at most one
 * interval.
 */
public final class PostgresNotificationWakeup implements OutboxWakeup {

  static final String CHANNEL = "bulwark_outbox";
  private static final Logger log = LoggerFactory.getLogger(PostgresNotificationWakeup.class);

  /** The longest single blocking read, so that closing or interrupting takes effect promptly. */
  private static final long SLICE_MILLIS = 500;

  private final DataSource dataSource;
  private final Object lock = new Object();
  private volatile boolean closed;
  private @Nullable Connection connection;

  public PostgresNotificationWakeup(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Woken await(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (lock) {
      while (!closed) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return Woken.atAnyShard();
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        long slice = Math.min(left, SLICE_MILLIS);
        try {
          Connection listening = connection;
          if (listening == null || listening.isClosed()) {
            listen();
            // commits made while nobody listened went unheard: any shard may hold them
            return Woken.atAnyShard();
          }
          PGNotification[] notifications =
              listening.unwrap(PGConnection.class).getNotifications((int) slice);
          if (notifications != null && notifications.length > 0) {
            return named(notifications);
          }
        } catch (SQLException e) {
          log.debug("outbox notifications unavailable, polling: {}", e.getMessage());
          closeConnection();
          Thread.sleep(slice);
        }
      }
      return Woken.atAnyShard();
    }
  }

  /** The shards the notifications name; any shard if one of them names none (an older trigger). */
  static Woken named(PGNotification[] notifications) {
    Set<Integer> shards = new HashSet<>();
    for (PGNotification notification : notifications) {
      try {
        shards.add(Integer.parseInt(notification.getParameter()));
      } catch (NumberFormatException e) {
        return Woken.atAnyShard();
      }
    }
    return Woken.atShards(shards);
  }

  /** Opens the listening connection. */
  private void listen() throws SQLException {
    connection = dataSource.getConnection();
    connection.setAutoCommit(true);
    try (Statement listen = connection.createStatement()) {
      listen.execute("LISTEN " + CHANNEL);
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      closeConnection();
    }
  }
}
