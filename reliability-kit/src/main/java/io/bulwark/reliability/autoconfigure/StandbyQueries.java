package io.bulwark.reliability.autoconfigure;

import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where an application runs the reads a standby may serve: each {@link #read} is one read-only
 * transaction, all its statements on one connection, from {@link
 * io.bulwark.reliability.standby.StandbyReads} when a standby is configured and from the
 * application's own data source otherwise. Never for a read that decides a write: that one belongs
 * in the write's transaction, on the primary.
 */
public final class StandbyQueries {

  private final TransactionTemplate transactions;
  private final JdbcClient jdbc;

  StandbyQueries(DataSource source) {
    JdbcTransactionManager manager = new JdbcTransactionManager(source);
    this.transactions = new TransactionTemplate(manager);
    transactions.setReadOnly(true);
    transactions.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
    this.jdbc = JdbcClient.create(source);
  }

  /**
   * Runs the query in a read-only transaction of its own and returns what it returned (an {@code
   * Optional} or a list, never null).
   */
  public <T> T read(Function<JdbcClient, T> query) {
    return Objects.requireNonNull(
        transactions.execute(status -> query.apply(jdbc)), "a standby query returned null");
  }
}
