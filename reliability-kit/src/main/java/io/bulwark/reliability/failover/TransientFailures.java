package io.bulwark.reliability.failover;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Recognises database failures that a failover causes and that go away by themselves: the
 * connection is gone or refused (SQLState class {@code 08}), the server is shutting down or was
 * terminated ({@code 57P01}–{@code 57P03}), the server reached is a standby ({@code 25006}:
 * read-only transaction), or no connection could be had in time. Work that fails this way is
 * retried, never dead-lettered; a connection that failed this way is evicted from its pool.
 */
public final class TransientFailures {

  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "25006");

  private TransientFailures() {}

  /** Whether this exception, or any of its causes, is a transient database failure. */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && isTransientState(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a SQLState says the connection or the server role is the problem. */
  public static boolean isTransientState(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || STATES.contains(sqlState));
  }
}
