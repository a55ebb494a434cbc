package io.bulwark.reliability.autoconfigure;

import com.zaxxer.hikari.SQLExceptionOverride;
import io.bulwark.reliability.failover.TransientFailures;
import java.sql.SQLException;

/**
 * Tells HikariCP to evict a pooled connection that failed because of a failover, including one that
 * reached the old primary after it became a standby (SQLState {@code 25006}, which Hikari alone
 * would keep): the next borrow opens a connection to the current primary. A connection that met
 * contention (a deadlock, a serialization failure) is sound and stays.
 */
public class FailoverConnectionEviction implements SQLExceptionOverride {

  @java.lang.Override
  public Override adjudicate(SQLException exception) {
    return TransientFailures.isLostConnection(exception.getSQLState())
        ? Override.MUST_EVICT
        : Override.CONTINUE_EVICT;
  }
}
