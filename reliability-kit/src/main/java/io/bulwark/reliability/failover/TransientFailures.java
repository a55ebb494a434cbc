package io.bulwark.reliability.failover;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recognises database failures that go away by themselves, so that work failing this way is
 * retried, never dead-lettered.
 *
 * <p>Two kinds. A lost connection, which a failover causes: the connection is gone or refused
 * (SQLState class {@code 08}), the server is shutting down or was terminated ({@code 57P01}–{@code
 * 57P03}), the server reached is a standby ({@code 25006}: read-only transaction), or no connection
 * could be had in time; a connection that failed this way is evicted from its pool. And contention,
 * where the connection is sound and the same work succeeds a moment later: too many connections
 * ({@code 53300}), a serialization failure ({@code 40001}), a deadlock ({@code 40P01}), a statement
 * cancelled by its timeout ({@code 57014}) or a lock not had in time ({@code 55P03}).
 */
public final class TransientFailures {

  private static final Set<String> LOST_CONNECTION = Set.of("57P01", "57P02", "57P03", "25006");
  private static final Set<String> CONTENTION = Set.of("53300", "40001", "40P01", "57014", "55P03");

  private TransientFailures() {}

  /** Whether this exception, or any of its causes, is a transient database failure. */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (isLostConnection(state) || CONTENTION.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a SQLState says the connection or the server's role is the problem. */
  public static boolean isLostConnection(@Nullable String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || LOST_CONNECTION.contains(sqlState));
  }
}
