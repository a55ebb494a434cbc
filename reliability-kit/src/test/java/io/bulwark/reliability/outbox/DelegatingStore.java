package io.bulwark.reliability.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** A store that forwards everything; tests override one step to inject a failure there. */
class DelegatingStore implements OutboxStore {

  private final OutboxStore delegate;

  DelegatingStore(OutboxStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean tryClaim(Connection connection, int shard, Duration idleLimit)
      throws SQLException {
    return delegate.tryClaim(connection, shard, idleLimit);
  }

  @Override
  public SortedMap<Integer, Instant> pendingShards(Connection connection, int shards)
      throws SQLException {
    return delegate.pendingShards(connection, shards);
  }

  @Override
  public List<OutboxMessage> fetchUnpublished(Connection connection, int shard, int limit)
      throws SQLException {
    return delegate.fetchUnpublished(connection, shard, limit);
  }

  @Override
  public void markPublished(Connection connection, List<OutboxMessage> messages)
      throws SQLException {
    delegate.markPublished(connection, messages);
  }

  @Override
  public int purgePublished(Connection connection, Instant publishedBefore, int limit)
      throws SQLException {
    return delegate.purgePublished(connection, publishedBefore, limit);
  }

  @Override
  public Backlog backlog(Connection connection) throws SQLException {
    return delegate.backlog(connection);
  }
}
